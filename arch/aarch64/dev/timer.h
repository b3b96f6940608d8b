// The ARM generic timer: the virtual counter is the monotonic clock, the EL1 virtual
// timer (a PPI) is the periodic tick.
#pragma once
#include <lib/types.h>

namespace arch::timer {
void init_clock(u64 entry_count);
u64 counter_to_ns(u64 count);
u64 frequency();
void start_periodic(unsigned hz, u32 intid);
u32 intid();
// From the IRQ handler: schedule the next tick.
void rearm();
} // namespace arch::timer
