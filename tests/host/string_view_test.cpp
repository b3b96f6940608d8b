// lib/include/lib/string.h: StringView.
#include <lib/string.h>
#include <gtest/gtest.h>

TEST(StringView, FromCString) {
    lv::StringView s("hello");
    EXPECT_EQ(s.size, 5u);
    EXPECT_FALSE(s.empty());
    EXPECT_EQ(s[1], 'e');
    EXPECT_TRUE(lv::StringView(static_cast<const char*>(nullptr)).empty());
}

TEST(StringView, Equality) {
    EXPECT_TRUE(lv::StringView("abc") == lv::StringView("abc"));
    EXPECT_FALSE(lv::StringView("abc") == lv::StringView("abd"));
    EXPECT_FALSE(lv::StringView("abc") == lv::StringView("ab"));
    EXPECT_TRUE(lv::StringView("abcdef", 3) == lv::StringView("abc"));
}

TEST(StringView, StartsWith) {
    lv::StringView s("/proc/self");
    EXPECT_TRUE(s.starts_with("/proc"));
    EXPECT_TRUE(s.starts_with(""));
    EXPECT_FALSE(s.starts_with("/proc/selfish"));
}

TEST(StringView, SubstrClamps) {
    lv::StringView s("abcdef");
    EXPECT_TRUE(s.substr(2) == lv::StringView("cdef"));
    EXPECT_TRUE(s.substr(2, 2) == lv::StringView("cd"));
    EXPECT_TRUE(s.substr(4, 100) == lv::StringView("ef"));
    EXPECT_TRUE(s.substr(100).empty());
}
