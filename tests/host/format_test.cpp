// lib/src/format.cpp: lv::snprintf against the cases the kernel log and /proc rely on,
// checked against the C library's snprintf where the behaviour is the same.
#include <lib/format.h>
#include <gtest/gtest.h>
#include <climits>
#include <cstdio>
#include <string>

namespace {
template <typename... Args>
std::string lv_fmt(const char* fmt, Args... args) {
    char buf[256];
    size_t n = lv::snprintf(buf, sizeof buf, fmt, args...);
    EXPECT_EQ(n, strlen(buf)) << "return value for " << fmt;
    return buf;
}
template <typename... Args>
std::string libc_fmt(const char* fmt, Args... args) {
    char buf[256];
    ::snprintf(buf, sizeof buf, fmt, args...);
    return buf;
}
#define SAME_AS_LIBC(...) EXPECT_EQ(lv_fmt(__VA_ARGS__), libc_fmt(__VA_ARGS__))
} // namespace

TEST(Format, PlainText) {
    EXPECT_EQ(lv_fmt("hello"), "hello");
    EXPECT_EQ(lv_fmt(""), "");
    EXPECT_EQ(lv_fmt("100%%"), "100%");
}

TEST(Format, SignedDecimal) {
    SAME_AS_LIBC("%d", 0);
    SAME_AS_LIBC("%d", 42);
    SAME_AS_LIBC("%d", -42);
    SAME_AS_LIBC("%i", INT_MAX);
    SAME_AS_LIBC("%d", INT_MIN);
    SAME_AS_LIBC("%ld", LONG_MIN);
    SAME_AS_LIBC("%lld", LLONG_MAX);
    SAME_AS_LIBC("%zd", static_cast<ssize_t>(-7));
}

TEST(Format, Unsigned) {
    SAME_AS_LIBC("%u", 0u);
    SAME_AS_LIBC("%u", UINT_MAX);
    SAME_AS_LIBC("%lu", ULONG_MAX);
    SAME_AS_LIBC("%zu", static_cast<size_t>(123456789));
    SAME_AS_LIBC("%x", 0xdeadbeefu);
    SAME_AS_LIBC("%X", 0xdeadbeefu);
    SAME_AS_LIBC("%lx", 0xffffffffffffffffUL);
    SAME_AS_LIBC("%o", 8u);
    SAME_AS_LIBC("%o", 0755u);
}

TEST(Format, WidthAndFlags) {
    SAME_AS_LIBC("[%5d]", 42);
    SAME_AS_LIBC("[%-5d]", 42);
    SAME_AS_LIBC("[%05d]", 42);
    SAME_AS_LIBC("[%05d]", -42);
    SAME_AS_LIBC("[%08x]", 0xbeefu);
    SAME_AS_LIBC("[%016lx]", 0x1234UL);
    SAME_AS_LIBC("[%2d]", 12345); // wider than the width: not cut
    SAME_AS_LIBC("[%*d]", 6, 7);
    SAME_AS_LIBC("[%-*d]", 6, 7);
}

TEST(Format, Strings) {
    SAME_AS_LIBC("[%s]", "abc");
    SAME_AS_LIBC("[%6s]", "abc");
    SAME_AS_LIBC("[%-6s]", "abc");
    SAME_AS_LIBC("[%.2s]", "abcdef");
    SAME_AS_LIBC("[%.*s]", 3, "abcdef");
    SAME_AS_LIBC("[%.10s]", "abc");
    EXPECT_EQ(lv_fmt("%s", static_cast<const char*>(nullptr)), "(null)");
}

TEST(Format, PrecisionDoesNotReadPastIt) {
    // The argument need not be NUL-terminated within the precision (strnlen).
    const char unterminated[3] = {'x', 'y', 'z'};
    EXPECT_EQ(lv_fmt("%.3s", unterminated), "xyz");
}

TEST(Format, Chars) {
    SAME_AS_LIBC("%c%c%c", 'a', 'b', 'c');
    SAME_AS_LIBC("[%3c]", 'z');
}

TEST(Format, Pointer) {
    EXPECT_EQ(lv_fmt("%p", reinterpret_cast<void*>(0x1000)), "0x0000000000001000");
    EXPECT_EQ(lv_fmt("%p", static_cast<void*>(nullptr)), "0x0000000000000000");
}

TEST(Format, Mixed) {
    SAME_AS_LIBC("pid %d: %s at 0x%lx (%u%%)", 7, "fault", 0x400000UL, 99u);
}

TEST(Format, TruncatesAndTerminates) {
    char buf[8];
    memset(buf, 'X', sizeof buf);
    size_t n = lv::snprintf(buf, sizeof buf, "%s", "0123456789");
    EXPECT_EQ(n, 10u); // the length it would have written
    EXPECT_STREQ(buf, "0123456");
    EXPECT_EQ(lv::snprintf(buf, 1, "abc"), 3u);
    EXPECT_STREQ(buf, "");
}

TEST(Format, ZeroSizeWritesNothing) {
    char c = 'X';
    EXPECT_EQ(lv::snprintf(&c, 0, "abc %d", 5), 5u);
    EXPECT_EQ(c, 'X');
}

TEST(Format, SinkSeesEveryChar) {
    std::string out;
    size_t n = lv::format([](void* ctx, char c) { static_cast<std::string*>(ctx)->push_back(c); }, &out,
                          "%s=%d", "x", 10);
    EXPECT_EQ(out, "x=10");
    EXPECT_EQ(n, 4u);
}
