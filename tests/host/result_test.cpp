// lib/include/lib/result.h: ErrorOr<T> and TRY() propagation.
#include <lib/result.h>
#include <lib/own_ptr.h>
#include <gtest/gtest.h>
#include <cerrno>

namespace {
ErrorOr<int> parse_digit(char c) {
    if (c < '0' || c > '9') return Errno(EINVAL);
    return c - '0';
}

ErrorOr<int> two_digits(const char* s) {
    int hi = TRY(parse_digit(s[0]));
    int lo = TRY(parse_digit(s[1]));
    return hi * 10 + lo;
}

ErrorOr<void> check_positive(int v) {
    if (v <= 0) return Errno(ERANGE);
    return {};
}

ErrorOr<int> checked(int v) {
    TRY(check_positive(v));
    return v * 2;
}

ErrorOr<lv::OwnPtr<int>> make_int(int v) {
    lv::OwnPtr<int> p(lv::make<int>(v));
    if (!p) return Errno(ENOMEM);
    return p;
}
} // namespace

TEST(ErrorOr, ValueAndError) {
    auto ok = parse_digit('7');
    ASSERT_FALSE(ok.is_error());
    EXPECT_EQ(ok.value(), 7);
    auto bad = parse_digit('x');
    ASSERT_TRUE(bad.is_error());
    EXPECT_EQ(bad.error(), Errno(EINVAL));
}

TEST(ErrorOr, TryPropagatesTheFirstError) {
    auto r = two_digits("42");
    ASSERT_FALSE(r.is_error());
    EXPECT_EQ(r.value(), 42);
    EXPECT_EQ(two_digits("4x").error(), Errno(EINVAL));
    EXPECT_EQ(two_digits("x4").error(), Errno(EINVAL));
}

TEST(ErrorOr, VoidResults) {
    EXPECT_EQ(checked(3).value(), 6);
    EXPECT_EQ(checked(-1).error(), Errno(ERANGE));
}

TEST(ErrorOr, MoveOnlyValues) {
    auto r = make_int(9);
    ASSERT_FALSE(r.is_error());
    lv::OwnPtr<int> p = r.release_value();
    EXPECT_EQ(*p, 9);
}

TEST(ErrorOr, ErrnoValuesAreLinux) {
    // They reach user space as -errno; the numbers must be Linux's (same on both arches).
    EXPECT_EQ(int(Errno(EFAULT)), 14);
    EXPECT_EQ(int(Errno(ENOSYS)), 38);
    EXPECT_EQ(int(Errno(ENOTTY)), 25);
}
