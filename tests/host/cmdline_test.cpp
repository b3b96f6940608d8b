// Kernel command-line parsing (kernel/cmdline.cpp).
#include <kernel/cmdline.h>
#include <gtest/gtest.h>

using namespace kernel;

TEST(Cmdline, GetsValuesAndBareWords) {
    const char* c = "quiet init=/bin/sh levitate.mux=1 loglevel=2";
    char v[32];
    ASSERT_TRUE(cmdline::get(c, "init", v, sizeof v));
    EXPECT_STREQ(v, "/bin/sh");
    ASSERT_TRUE(cmdline::get(c, "quiet", v, sizeof v));
    EXPECT_STREQ(v, "");
    EXPECT_FALSE(cmdline::get(c, "ini", v, sizeof v)) << "prefixes must not match";
    EXPECT_FALSE(cmdline::get(c, "levitate", v, sizeof v));
    EXPECT_TRUE(cmdline::flag(c, "levitate.mux"));
    EXPECT_TRUE(cmdline::flag(c, "quiet"));
    EXPECT_FALSE(cmdline::flag(c, "levitate.exec"));
}

TEST(Cmdline, FlagFalseValuesAndTruncation) {
    char v[4];
    EXPECT_FALSE(cmdline::flag("a=0 b=off c=no", "a"));
    EXPECT_FALSE(cmdline::flag("a=0 b=off c=no", "b"));
    EXPECT_FALSE(cmdline::flag("a=0 b=off c=no", "c"));
    ASSERT_TRUE(cmdline::get("  key=abcdefgh  ", "key", v, sizeof v));
    EXPECT_STREQ(v, "abc");
}
