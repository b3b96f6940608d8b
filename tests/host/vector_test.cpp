// lib/include/lib/vector.h: growth, moves, element lifetimes.
#include <lib/vector.h>
#include "host_alloc.h"
#include <gtest/gtest.h>
#include <cstdint>

namespace {
// Counts live instances, so that leaks and double destructions show.
struct Tracked {
    static inline int live = 0;
    int v = 0;
    Tracked() { live++; }
    explicit Tracked(int x) : v(x) { live++; }
    Tracked(Tracked&& o) : v(o.v) { live++; o.v = -1; }
    Tracked& operator=(Tracked&& o) { v = o.v; o.v = -1; return *this; }
    ~Tracked() { live--; }
};
} // namespace

TEST(Vector, AppendAndIndex) {
    lv::Vector<int> v;
    EXPECT_TRUE(v.empty());
    for (int i = 0; i < 1000; i++) ASSERT_TRUE(v.try_append(i));
    EXPECT_EQ(v.size(), 1000u);
    for (int i = 0; i < 1000; i++) EXPECT_EQ(v[i], i);
    EXPECT_EQ(v.last(), 999);
    int sum = 0;
    for (int x : v) sum += x;
    EXPECT_EQ(sum, 999 * 1000 / 2);
}

TEST(Vector, RemoveShiftsDown) {
    lv::Vector<int> v;
    for (int i = 0; i < 5; i++) ASSERT_TRUE(v.try_append(i));
    v.remove(1);
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[0], 0);
    EXPECT_EQ(v[1], 2);
    EXPECT_EQ(v[3], 4);
    v.remove(3);
    EXPECT_EQ(v.size(), 3u);
}

TEST(Vector, ResizeConstructsAndDestroys) {
    Tracked::live = 0;
    {
        lv::Vector<Tracked> v;
        ASSERT_TRUE(v.try_resize(10));
        EXPECT_EQ(Tracked::live, 10);
        ASSERT_TRUE(v.try_resize(3));
        EXPECT_EQ(Tracked::live, 3);
        ASSERT_TRUE(v.try_append(Tracked(7)));
        EXPECT_EQ(v[3].v, 7);
        EXPECT_EQ(Tracked::live, 4);
    }
    EXPECT_EQ(Tracked::live, 0);
}

TEST(Vector, GrowthMovesElements) {
    Tracked::live = 0;
    {
        lv::Vector<Tracked> v;
        for (int i = 0; i < 100; i++) ASSERT_TRUE(v.try_append(Tracked(i)));
        for (int i = 0; i < 100; i++) EXPECT_EQ(v[i].v, i);
        EXPECT_EQ(Tracked::live, 100);
    }
    EXPECT_EQ(Tracked::live, 0);
}

TEST(Vector, MoveLeavesSourceEmpty) {
    lv::Vector<int> a;
    ASSERT_TRUE(a.try_append(1));
    ASSERT_TRUE(a.try_append(2));
    lv::Vector<int> b(lv::move(a));
    EXPECT_EQ(a.size(), 0u);
    EXPECT_EQ(b.size(), 2u);
    lv::Vector<int> c;
    ASSERT_TRUE(c.try_append(9));
    c = lv::move(b);
    EXPECT_EQ(c.size(), 2u);
    EXPECT_EQ(c[1], 2);
    EXPECT_TRUE(b.empty());
}

TEST(Vector, ClearAndFree) {
    lv::Vector<int> v;
    ASSERT_TRUE(v.try_reserve(64));
    ASSERT_TRUE(v.try_append(1));
    v.clear();
    EXPECT_TRUE(v.empty());
    v.clear_and_free();
    EXPECT_EQ(v.data(), nullptr);
    ASSERT_TRUE(v.try_append(5)); // usable again
    EXPECT_EQ(v[0], 5);
}

TEST(Vector, HugeReserveFailsCleanly) {
    lv::Vector<u64> v;
    ASSERT_TRUE(v.try_append(1));
    // The heap refuses a request this large; the vector must report it and stay intact.
    EXPECT_FALSE(v.try_reserve(size_t(1) << 40));
    // cap * sizeof(T) must not wrap around to a small allocation.
    EXPECT_FALSE(v.try_reserve(SIZE_MAX / sizeof(u64) + 2)); // * 8 would be 8 bytes
    EXPECT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0], 1u);
}

TEST(Vector, AllocationFailureKeepsContents) {
    lv::Vector<int> v;
    for (int i = 0; i < 4; i++) ASSERT_TRUE(v.try_append(i)); // fills the first block
    host_alloc::fail_nth(1);
    EXPECT_FALSE(v.try_append(4));
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[3], 3);
    EXPECT_TRUE(v.try_append(4));
}
