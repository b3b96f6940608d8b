// The local APIC: x2APIC (MSRs) when CPUID offers it, else xAPIC (MMIO, mapped
// uncached by boot/paging.cpp). Provides the periodic timer and EOI.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <kernel/cpu.h>
#include <kernel/smp.h>

namespace arch::x86 {
namespace {
enum Reg : u32 {
    ID = 0x20, TPR = 0x80, EOI = 0xb0, SVR = 0xf0, ICR_LOW = 0x300, ICR_HIGH = 0x310, LVT_TIMER = 0x320,
    LVT_LINT0 = 0x350,
    LVT_ERROR = 0x370, TIMER_INITIAL = 0x380, TIMER_CURRENT = 0x390, TIMER_DIVIDE = 0x3e0,
};
constexpr u32 kLvtMasked = 1u << 16, kLvtPeriodic = 1u << 17;
constexpr u64 kApicBaseEnable = 1u << 11, kApicBaseX2 = 1u << 10;

bool g_x2apic = false;
volatile u32* g_mmio = nullptr;
// The boot CPU's calibration, for the others; rescaled by the boot CPU's tick when the
// TSC's frequency turns out different (lapic_rescale_timer), which bumps the
// generation: each CPU reloads its timer at its next tick (lapic_tick).
u32 g_timer_period = 0;
u32 g_timer_generation = 0;
u32 g_timer_loaded[kernel::smp::kMaxCpus]; // the generation each CPU's timer runs at; its own
constexpr u32 kIcrPending = 1u << 12;

u32 read(Reg r) { return g_x2apic ? u32(rdmsr(0x800 + (r >> 4))) : g_mmio[r / 4]; }
void write(Reg r, u32 v) {
    if (g_x2apic) wrmsr(0x800 + (r >> 4), v);
    else g_mmio[r / 4] = v;
}
} // namespace

// Each CPU enables its own LAPIC (the mode and the address are the same for all).
void lapic_init() {
    u64 base = rdmsr(kMsrApicBase);
    g_x2apic = g_features.x2apic;
    base |= kApicBaseEnable;
    if (g_x2apic) base |= kApicBaseX2;
    wrmsr(kMsrApicBase, base);
    g_mmio = reinterpret_cast<volatile u32*>(kDirectMapBase + (base & 0xffffff000ull));
    write(TPR, 0);
    write(LVT_ERROR, kLvtMasked);
    write(SVR, 0x100 | kVectorSpurious); // software enable
}

u32 lapic_id() { return g_x2apic ? read(ID) : read(ID) >> 24; }

void lapic_eoi() { write(EOI, 0); }

void lapic_start_timer(unsigned hz) {
    // Count the timer (divided by 16) against the calibrated TSC for 5 ms.
    write(TIMER_DIVIDE, 0x3);
    write(LVT_TIMER, kLvtMasked | kVectorTimer);
    u64 t0 = rdtsc();
    write(TIMER_INITIAL, 0xffffffff);
    u64 wait = tsc_hz() / 200;
    while (rdtsc() - t0 < wait) pause();
    u32 left = read(TIMER_CURRENT);
    u64 elapsed_ns = tsc_to_ns(rdtsc()) - tsc_to_ns(t0);
    u64 counts = 0xffffffffu - left;
    u64 per_second = counts * 1000000000ull / (elapsed_ns ? elapsed_ns : 1);
    g_timer_period = u32(max(per_second / hz, u64(1)));
    write(TIMER_INITIAL, 0);
    lapic_start_timer_ap();
}

void lapic_start_timer_ap() {
    write(TIMER_DIVIDE, 0x3);
    write(LVT_TIMER, kLvtPeriodic | kVectorTimer);
    u32 gen = __atomic_load_n(&g_timer_generation, __ATOMIC_ACQUIRE);
    write(TIMER_INITIAL, __atomic_load_n(&g_timer_period, __ATOMIC_RELAXED));
    g_timer_loaded[kernel::this_cpu().id] = gen;
}

void lapic_rescale_timer(u64 new_tsc_hz, u64 old_tsc_hz) {
    // The period was counted over a TSC interval taken for 5 ms at the old frequency.
    u64 p = u64(g_timer_period) * (new_tsc_hz / 1000) / max(old_tsc_hz / 1000, u64(1));
    __atomic_store_n(&g_timer_period, u32(min(max(p, u64(1)), u64(0xffffffffu))), __ATOMIC_RELAXED);
    __atomic_store_n(&g_timer_generation, g_timer_generation + 1, __ATOMIC_RELEASE);
}

void lapic_tick() {
    if (g_timer_loaded[kernel::this_cpu().id] != __atomic_load_n(&g_timer_generation, __ATOMIC_ACQUIRE))
        lapic_start_timer_ap();
}

void lapic_send_ipi(u32 apic_id, u32 icr_low) {
    // Interrupts off: an interrupt handler sending one of its own between the two
    // xAPIC writes would change the destination under us.
    IrqState s = irq_save();
    if (g_x2apic) {
        wrmsr(0x800 + (ICR_LOW >> 4), (u64(apic_id) << 32) | icr_low);
    } else {
        write(ICR_HIGH, apic_id << 24);
        write(ICR_LOW, icr_low);
        while (read(ICR_LOW) & kIcrPending) pause();
    }
    irq_restore(s);
}
} // namespace arch::x86
