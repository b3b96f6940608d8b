// fs/path.cpp: component splitting, trailing slashes, limits, lexical normalisation.
// Kernel headers come first: libc's <errno.h> (pulled in by gtest) defines E* macros,
// so errno values are written Errno(ENOENT) here.
#include <fs/path.h>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {
std::vector<std::string> components(const char* p) {
    std::vector<std::string> out;
    fs::PathComponents it(p);
    lv::StringView c;
    while (it.next(c)) out.emplace_back(c.data, c.size);
    return out;
}
std::string str(lv::StringView v) { return std::string(v.data ? v.data : "", v.size); }
std::string norm(const char* p) {
    char buf[64];
    auto r = fs::normalize(p, buf, sizeof buf);
    if (r.is_error()) return "ERR";
    EXPECT_EQ(r.value(), strlen(buf));
    return buf;
}
} // namespace

TEST(Path, Components) {
    EXPECT_EQ(components("//a/./b//"), (std::vector<std::string> {"a", ".", "b"}));
    EXPECT_EQ(components("/"), std::vector<std::string> {});
    EXPECT_EQ(components(""), std::vector<std::string> {});
    EXPECT_EQ(components("a"), std::vector<std::string> {"a"});
    EXPECT_EQ(components("../x/.."), (std::vector<std::string> {"..", "x", ".."}));
}

TEST(Path, AtEndAndRest) {
    fs::PathComponents it("a/b//");
    lv::StringView c;
    ASSERT_TRUE(it.next(c));
    EXPECT_FALSE(it.at_end());
    EXPECT_EQ(str(it.rest()), "/b//");
    ASSERT_TRUE(it.next(c));
    EXPECT_TRUE(it.at_end());
    EXPECT_FALSE(it.next(c));
}

TEST(Path, TrailingSlash) {
    EXPECT_TRUE(fs::has_trailing_slash("a/"));
    EXPECT_TRUE(fs::has_trailing_slash("/"));
    EXPECT_FALSE(fs::has_trailing_slash("a"));
    EXPECT_FALSE(fs::has_trailing_slash(""));
    EXPECT_TRUE(fs::is_absolute("/x"));
    EXPECT_FALSE(fs::is_absolute("x"));
}

TEST(Path, SplitLast) {
    auto s = fs::split_last("a/b/c");
    EXPECT_EQ(str(s.dir), "a/b/");
    EXPECT_EQ(str(s.name), "c");
    s = fs::split_last("a/b//");
    EXPECT_EQ(str(s.dir), "a/");
    EXPECT_EQ(str(s.name), "b");
    s = fs::split_last("c");
    EXPECT_EQ(str(s.dir), "");
    EXPECT_EQ(str(s.name), "c");
    s = fs::split_last("/");
    EXPECT_EQ(str(s.dir), "/");
    EXPECT_EQ(str(s.name), "");
    s = fs::split_last("/x");
    EXPECT_EQ(str(s.dir), "/");
    EXPECT_EQ(str(s.name), "x");
}

TEST(Path, Limits) {
    EXPECT_EQ(fs::check_path("").error(), Errno(ENOENT));
    EXPECT_FALSE(fs::check_path("/a/b").is_error());
    std::string name255(255, 'n'), name256(256, 'n');
    EXPECT_FALSE(fs::check_path(("/" + name255).c_str()).is_error());
    EXPECT_EQ(fs::check_path(("/" + name256 + "/x").c_str()).error(), Errno(ENAMETOOLONG));
    std::string long_ok, long_bad;
    while (long_ok.size() + 2 < 4095) long_ok += "a/";
    long_ok.resize(4095, 'b');
    EXPECT_FALSE(fs::check_path(long_ok.c_str()).is_error());
    long_bad = long_ok + "c";
    EXPECT_EQ(fs::check_path(long_bad.c_str()).error(), Errno(ENAMETOOLONG));
}

TEST(Path, Normalize) {
    EXPECT_EQ(norm("/a/./b/../c/"), "/a/c");
    EXPECT_EQ(norm("/.."), "/");
    EXPECT_EQ(norm("/../a/.."), "/");
    EXPECT_EQ(norm("//"), "/");
    EXPECT_EQ(norm(""), ".");
    EXPECT_EQ(norm("."), ".");
    EXPECT_EQ(norm("a/.."), ".");
    EXPECT_EQ(norm("../../x/../y"), "../../y");
    EXPECT_EQ(norm("a/b/../../.."), "..");
    EXPECT_EQ(norm("a//b/"), "a/b");
    char tiny[4];
    EXPECT_EQ(fs::normalize("/abcd", tiny, sizeof tiny).error(), Errno(ENAMETOOLONG));
}

TEST(Path, AppendComponent) {
    char buf[8] = "/";
    auto n = fs::append_component(buf, 1, sizeof buf, "ab");
    ASSERT_FALSE(n.is_error());
    EXPECT_STREQ(buf, "/ab");
    auto m = fs::append_component(buf, n.value(), sizeof buf, "cd");
    ASSERT_FALSE(m.is_error());
    EXPECT_STREQ(buf, "/ab/cd");
    EXPECT_EQ(fs::append_component(buf, 6, sizeof buf, "x").error(), Errno(ENAMETOOLONG));
}
