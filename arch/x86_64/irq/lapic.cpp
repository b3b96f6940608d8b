// The local APIC: x2APIC (MSRs) when CPUID offers it, else xAPIC (MMIO, mapped
// uncached by boot/paging.cpp). Provides the periodic timer and EOI.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>

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
u32 g_timer_period = 0; // the boot CPU's calibration, for the others
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
    write(TIMER_INITIAL, g_timer_period);
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
