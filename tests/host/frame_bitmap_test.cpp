// The physical frame allocator's bitmap (mm/frame_bitmap.cpp).
#include <mm/phys.h>
#include <gtest/gtest.h>
#include <set>
#include <vector>

namespace {
struct Fixture {
    std::vector<u64> bits;
    mm::FrameBitmap fb;
    Fixture(PhysAddr base, u64 frames) : bits((frames + 63) / 64) { fb.init(base, frames, bits.data()); }
};
} // namespace

TEST(FrameBitmap, StartsFullyUsed) {
    Fixture f(0x100000, 100);
    EXPECT_EQ(f.fb.free_frames(), 0u);
    EXPECT_EQ(f.fb.alloc(), 0u);
}

TEST(FrameBitmap, AllocatesEachFreeFrameOnce) {
    Fixture f(0x100000, 200);
    f.fb.mark_free(0x100000, 200);
    std::set<PhysAddr> seen;
    for (int i = 0; i < 200; i++) {
        PhysAddr pa = f.fb.alloc();
        ASSERT_NE(pa, 0u);
        EXPECT_EQ(pa % 4096, 0u);
        EXPECT_GE(pa, 0x100000u);
        EXPECT_LT(pa, 0x100000u + 200 * 4096);
        EXPECT_TRUE(seen.insert(pa).second) << "frame handed out twice";
    }
    EXPECT_EQ(f.fb.alloc(), 0u) << "out of memory must fail, not wrap";
    EXPECT_EQ(f.fb.free_frames(), 0u);
}

TEST(FrameBitmap, NeverHandsOutFrameZero) {
    Fixture f(0, 8);
    f.fb.mark_free(0, 8);
    for (int i = 0; i < 7; i++) EXPECT_NE(f.fb.alloc(), 0u);
    EXPECT_EQ(f.fb.alloc(), 0u);
}

TEST(FrameBitmap, FreeMakesFramesReusableAndDetectsDoubleFree) {
    Fixture f(0x200000, 64);
    f.fb.mark_free(0x200000, 64);
    PhysAddr a = f.fb.alloc();
    EXPECT_EQ(f.fb.free_frames(), 63u);
    EXPECT_TRUE(f.fb.free(a));
    EXPECT_EQ(f.fb.free_frames(), 64u);
    EXPECT_FALSE(f.fb.free(a)) << "double free must be reported";
    EXPECT_EQ(f.fb.free_frames(), 64u) << "and must not corrupt the count";
}

TEST(FrameBitmap, ContiguousRunsSkipHoles) {
    Fixture f(0x100000, 256);
    f.fb.mark_free(0x100000, 256);
    f.fb.mark_used(0x100000 + 3 * 4096, 1); // hole at frame 3
    PhysAddr run = f.fb.alloc(4);
    ASSERT_NE(run, 0u);
    EXPECT_GE(run, 0x100000u + 4 * 4096) << "a run must not straddle a used frame";
    for (int i = 0; i < 4; i++) EXPECT_FALSE(f.fb.is_free(run + i * 4096));
    EXPECT_EQ(f.fb.free_frames(), 256u - 1 - 4);
    EXPECT_EQ(f.fb.alloc(1000), 0u);
}

TEST(FrameBitmap, RangesOutsideTheSpanAreIgnored) {
    Fixture f(0x100000, 16);
    f.fb.mark_free(0x0, 4);          // below the span
    f.fb.mark_free(0x100000 + 64 * 4096, 4); // above it
    EXPECT_EQ(f.fb.free_frames(), 0u);
}
