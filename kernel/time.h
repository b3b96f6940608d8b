// Clocks. Monotonic time comes from the arch clock; realtime is the RTC reading at boot
// plus monotonic time, adjustable by clock_settime/settimeofday.
#pragma once
#include <abi/kstat.h>
#include <lib/types.h>

namespace kernel::time {
void init();
u64 monotonic_ns();
KTimespec monotonic_now();
KTimespec realtime_now();
void set_realtime(KTimespec t);
u64 boot_ns(); // CLOCK_BOOTTIME (== monotonic: nothing suspends)
constexpr u64 kNsPerSec = 1000000000ull;
} // namespace kernel::time
