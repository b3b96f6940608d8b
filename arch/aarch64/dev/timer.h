// The ARM generic timer: the virtual counter is the monotonic clock, the EL1 virtual
// timer (a PPI) is the periodic tick.
#pragma once
#include <lib/types.h>

namespace arch::timer {
void init_clock(u64 entry_count);
u64 counter_to_ns(u64 count);
u64 frequency();
// The tick on the boot CPU; start_this_cpu: the same on another CPU (its PPI is
// enabled by gic::init_cpu).
void start_periodic(unsigned hz, u32 intid);
void start_this_cpu();
u32 intid();
// From the IRQ handler: schedule the next tick.
void rearm();
} // namespace arch::timer
