// The TSC's checks after boot (arch/x86_64/include/arch/x86/tsc_refine.h), fed simulated
// clocks: a TSC of a known true frequency, a PM timer and an RTC that keep real time.
#include <arch/x86/tsc_refine.h>
#include <gtest/gtest.h>

using namespace arch::x86;

namespace {
constexpr u64 kTrueHz = 2'100'000'000;
constexpr u64 kTickNs = 10'000'000; // 100 Hz

// Real time ns -> TSC count.
u64 tsc_at(u64 ns) { return u64((unsigned __int128)ns * kTrueHz / 1'000'000'000); }
u32 pm_at(u64 ns, u32 mask) { return u32(u64((unsigned __int128)ns * PmTimerRefiner::kHz / 1'000'000'000) & mask); }
// A read that took `blur_ns` around real time `ns`.
TscBracket around(u64 ns, u64 blur_ns = 2000) { return {tsc_at(ns - blur_ns / 2), tsc_at(ns + blur_ns / 2)}; }

double rel_error(u64 got, u64 want) { return double(got > want ? got - want : want - got) / double(want); }
} // namespace

TEST(PmTimerRefiner, MeasuresTheTrueFrequencyAcrossWraps) {
    // A boot calibration 40% off, a 24-bit counter that wraps every 4.7 s, and the
    // first sample late enough that the counter wraps during the window.
    PmTimerRefiner r(24);
    u64 estimate = kTrueHz * 6 / 10;
    u64 start = 4'600'000'000ull, got = 0, at = 0;
    for (u64 ns = start; ns < start + 3'000'000'000ull && !got; ns += kTickNs) {
        got = r.sample(around(ns), pm_at(ns, 0xffffff), estimate);
        at = ns;
    }
    ASSERT_NE(got, 0u);
    EXPECT_LT(rel_error(got, kTrueHz), 1e-5);
    EXPECT_GE(at - start, 1'000'000'000ull) << "the window is at least a second";
    EXPECT_LT(at - start, 1'100'000'000ull);
    EXPECT_TRUE(r.done());
    EXPECT_EQ(r.sample(around(at + kTickNs), pm_at(at + kTickNs, 0xffffff), estimate), 0u) << "once";
}

TEST(PmTimerRefiner, BlurredEndsAreNotUsed) {
    PmTimerRefiner r(32);
    // Every read blurred by 1 ms (a descheduled vCPU): no answer, ever.
    for (u64 ns = 1'000'000'000; ns < 5'000'000'000ull; ns += kTickNs)
        ASSERT_EQ(r.sample(around(ns, 1'000'000), pm_at(ns, ~0u), kTrueHz), 0u);
    // Sharp again: an answer a second after the first sharp sample.
    u64 got = 0, ns = 5'000'000'000ull;
    for (; ns < 7'000'000'000ull && !got; ns += kTickNs) got = r.sample(around(ns), pm_at(ns, ~0u), kTrueHz);
    ASSERT_NE(got, 0u);
    EXPECT_LT(rel_error(got, kTrueHz), 1e-5);
    EXPECT_GE(ns - 5'000'000'000ull, 1'000'000'000ull);
}

TEST(PmTimerRefiner, AGapThatCouldHideAWrapStartsOver) {
    PmTimerRefiner r(24);
    u64 ns = 1'000'000'000;
    EXPECT_EQ(r.sample(around(ns), pm_at(ns, 0xffffff), kTrueHz), 0u);
    // 4.8 s without a tick: the 24-bit counter wrapped once unseen. Counting the step
    // would give a frequency far off; the refiner starts again instead.
    ns += 4'800'000'000ull;
    EXPECT_EQ(r.sample(around(ns), pm_at(ns, 0xffffff), kTrueHz), 0u);
    u64 got = 0;
    ns += kTickNs;
    for (u64 end = ns + 2'000'000'000ull; ns < end && !got; ns += kTickNs)
        got = r.sample(around(ns), pm_at(ns, 0xffffff), kTrueHz);
    ASSERT_NE(got, 0u);
    EXPECT_LT(rel_error(got, kTrueHz), 1e-5);
}

TEST(RtcSecondsCheck, BoundsTheFrequencyOverThreeSeconds) {
    RtcSecondsCheck c;
    RtcSecondsCheck::Verdict v;
    u64 ns = 1'234'567'000, start = ns; // not on a second
    for (; ns < start + 6'000'000'000ull && !v.ready; ns += kTickNs) {
        int second = int(ns / 1'000'000'000 % 60);
        // The update-in-progress window right before each change reads as -1.
        if (ns % 1'000'000'000 > 999'700'000) second = -1;
        v = c.sample(around(ns), second);
    }
    ASSERT_TRUE(v.ready);
    EXPECT_LE(v.hz_lo, kTrueHz);
    EXPECT_GE(v.hz_hi, kTrueHz);
    EXPECT_LT(rel_error(v.hz_lo, kTrueHz), 0.01);
    EXPECT_LT(rel_error(v.hz_hi, kTrueHz), 0.01);
    // From the first change (2 s) to the third after it (5 s).
    EXPECT_GE(ns, 5'000'000'000ull);
    EXPECT_LT(ns, 5'100'000'000ull);
    EXPECT_TRUE(c.done());
}

TEST(RtcSecondsCheck, ASkippedSecondStartsOver) {
    RtcSecondsCheck c;
    u64 ns = 500'000'000;
    for (; ns < 2'500'000'000ull; ns += kTickNs) ASSERT_FALSE(c.sample(around(ns), int(ns / 1'000'000'000)).ready);
    // Samples 1.5 s apart (the vCPU starved): a second passes unseen.
    ns += 1'500'000'000ull;
    ASSERT_FALSE(c.sample(around(ns), int(ns / 1'000'000'000)).ready);
    RtcSecondsCheck::Verdict v;
    u64 restart = ns;
    for (; !v.ready && ns < restart + 6'000'000'000ull; ns += kTickNs) v = c.sample(around(ns), int(ns / 1'000'000'000));
    ASSERT_TRUE(v.ready);
    EXPECT_GE(ns - restart, 3'000'000'000ull) << "three whole seconds after the restart";
    EXPECT_LE(v.hz_lo, kTrueHz);
    EXPECT_GE(v.hz_hi, kTrueHz);
}
