// Generic timer (Arm ARM D11): CNTVCT_EL0 counts at CNTFRQ_EL0 from reset.
#include "timer.h"
#include "../cpu/sysreg.h"
#include <arch/interface.h>

namespace arch::timer {
namespace {
u64 g_freq;
u64 g_mult;       // ns per tick as a 32.32 fixed-point number
u64 g_period;     // ticks between two timer interrupts
u32 g_intid;

u64 read_counter() {
    // isb: the counter read must not be hoisted above earlier instructions.
    u64 v;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}
} // namespace

void init_clock(u64 entry_count) {
    g_freq = LV_READ_SYSREG(cntfrq_el0);
    if (!g_freq) g_freq = 62500000; // firmware left it unset: QEMU's default
    g_mult = (1000000000ull << 32) / g_freq;
}

u64 frequency() { return g_freq; }

u64 counter_to_ns(u64 count) {
    // count * 1e9 / freq without a 128-bit division (no libgcc in the kernel).
    return u64((unsigned __int128)count * g_mult >> 32);
}

void start_periodic(unsigned hz, u32 intid) {
    g_intid = intid;
    g_period = g_freq / hz;
    start_this_cpu();
}

void start_this_cpu() {
    // Each CPU has its own timer (and PPI): the same period on every one.
    LV_WRITE_SYSREG(cntv_cval_el0, read_counter() + g_period);
    LV_WRITE_SYSREG(cntv_ctl_el0, 1); // ENABLE, interrupt not masked
    sysreg::isb();
}

u32 intid() { return g_intid; }

void rearm() {
    // Keep a steady rate, but do not try to catch up on ticks lost while interrupts
    // were masked for long.
    u64 next = LV_READ_SYSREG(cntv_cval_el0) + g_period;
    u64 now = read_counter();
    if (next <= now) next = now + g_period;
    LV_WRITE_SYSREG(cntv_cval_el0, next);
    sysreg::isb();
}
} // namespace arch::timer

namespace arch {
u64 monotonic_ns() { return timer::counter_to_ns(timer::read_counter()); }
} // namespace arch
