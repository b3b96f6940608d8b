// The monotonic clock: the TSC, scaled to nanoseconds.
//
// Frequency, best source first:
//  - KVM's paravirtual clock (kvmclock): the host states the TSC -> ns scale exactly,
//    at the cost of one MSR write, with no timing loop (port I/O under nested KVM
//    is slow and jittery);
//  - the PIT: count TSC ticks over 10 ms of PIT channel 2 (TCG, real hardware).
// The guest TSC starts near 0 when QEMU starts the VM (KVM and TCG alike), so
// monotonic_ns() is roughly the time since QEMU started.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>

namespace arch::x86 {
namespace {
u64 g_tsc_hz = 0;
u64 g_ns_mult = 0; // ns = tsc * g_ns_mult >> 32

// KVM's pvclock ABI (Documentation/virt/kvm/x86/msr.rst).
struct PvclockTimeInfo {
    u32 version, pad0;
    u64 tsc_timestamp, system_time;
    u32 tsc_to_system_mul;
    i8 tsc_shift;
    u8 flags, pad[2];
};
alignas(64) volatile PvclockTimeInfo g_pvclock;
constexpr u32 kMsrKvmSystemTimeNew = 0x4b564d01;
constexpr u32 kKvmFeatureClocksource2 = 1u << 3;

u64 kvmclock_tsc_hz() {
    Cpuid sig = cpuid(0x40000000);
    if (!(sig.ebx == 0x4b4d564b && sig.ecx == 0x564b4d56 && sig.edx == 0x4d)) return 0; // "KVMKVMKVM"
    if (sig.eax < 0x40000001 || !(cpuid(0x40000001).eax & kKvmFeatureClocksource2)) return 0;
    wrmsr(kMsrKvmSystemTimeNew, kernel_virt_to_phys(const_cast<PvclockTimeInfo*>(&g_pvclock)) | 1);
    u32 mul;
    i8 shift;
    for (int tries = 0;; tries++) {
        if (tries == 1000000) return 0; // the host never filled it in
        u32 v = g_pvclock.version;
        asm volatile("" ::: "memory");
        mul = g_pvclock.tsc_to_system_mul;
        shift = g_pvclock.tsc_shift;
        asm volatile("" ::: "memory");
        if (!(v & 1) && v == g_pvclock.version && v != 0) break;
        pause();
    }
    wrmsr(kMsrKvmSystemTimeNew, 0); // we only wanted the scale
    if (mul == 0) return 0;
    // ns = ((tsc << shift) * mul) >> 32, so hz = 1e9 * 2^32 / mul / 2^shift.
    u64 hz = (1000000000ull << 32) / mul;
    return shift >= 0 ? hz >> shift : hz << -shift;
}

u64 pit_tsc_hz() {
    constexpr u32 kPitHz = 1193182;
    constexpr u32 kTicks = kPitHz / 100; // 10 ms
    // Channel 2, gate on, speaker off; mode 0 counts down once and raises OUT2.
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);
    outb(0x42, kTicks & 0xff);
    outb(0x42, kTicks >> 8);
    u64 start = rdtsc();
    while (!(inb(0x61) & 0x20)) {
    }
    u64 end = rdtsc();
    return (end - start) * 100;
}
} // namespace

void tsc_calibrate() {
    g_tsc_hz = kvmclock_tsc_hz();
    if (!g_tsc_hz) g_tsc_hz = pit_tsc_hz();
    g_ns_mult = ((1000000000ull << 32) / g_tsc_hz);
}

u64 tsc_to_ns(u64 tsc) { return u64((unsigned __int128)tsc * g_ns_mult >> 32); }
u64 tsc_hz() { return g_tsc_hz; }
} // namespace arch::x86

namespace arch {
u64 monotonic_ns() { return x86::tsc_to_ns(x86::rdtsc()); }
} // namespace arch
