// The monotonic clock: the TSC, scaled to nanoseconds.
//
// Frequency, best source first:
//  - KVM's paravirtual clock (kvmclock): the host states the TSC -> ns scale exactly,
//    at the cost of one MSR write, with no timing loop (port I/O under nested KVM
//    is slow and jittery);
//  - CPUID leaves 0x15/0x16, where the CPU states its TSC frequency;
//  - the PIT: count TSC ticks over 10 ms of PIT channel 2, a few times, keeping the
//    most precise count (TCG, real hardware; see pit_sample).
// The guest TSC starts near 0 when QEMU starts the VM (KVM and TCG alike), so
// monotonic_ns() is roughly the time since QEMU started.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <kernel/log.h>

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

// One measurement: TSC ticks over `pit_ticks` of PIT channel 2, with the uncertainty of
// its two ends. Each end is bracketed by TSC reads around the port access that starts
// the count or sees it finish, so time lost in between (the host descheduling this
// vCPU, a slow I/O exit) widens the bracket instead of silently stretching the result:
// on a busy host a single 10 ms count was seen taking several times longer, and the
// clock then ran at a fraction of real time.
struct PitSample {
    u64 delta, error; // TSC ticks
    bool valid;       // OUT2 was seen low, then high, within the budget
};
// A round that takes this many TSC ticks (seconds at any plausible frequency) has no
// working PIT behind it.
constexpr u64 kRoundBudget = 1ull << 34;

PitSample pit_sample(u32 pit_ticks) {
    // Channel 2, gate on, speaker off; mode 0 counts down once and raises OUT2. The
    // count starts when its high byte is written.
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xb0);
    outb(0x42, pit_ticks & 0xff);
    u64 start_lo = rdtsc();
    outb(0x42, pit_ticks >> 8);
    u64 start_hi = rdtsc();
    u64 last_low = start_hi, end_hi;
    bool seen_low = false;
    for (;;) {
        u64 before = rdtsc();
        u8 v = inb(0x61);
        end_hi = rdtsc();
        if (v & 0x20) break;
        if (end_hi - start_hi > kRoundBudget) return {0, ~0ull, false};
        last_low = before; // OUT2 was still low at some point after this
        seen_low = true;
    }
    u64 start = (start_lo + start_hi) / 2, end = (last_low + end_hi) / 2;
    // Seen high at the first look: no PIT answering, or a port that reads all ones.
    if (!seen_low || end <= start) return {0, ~0ull, false};
    return {end - start, (start_hi - start_lo) / 2 + (end_hi - last_low) / 2, true};
}

u64 pit_tsc_hz() {
    constexpr u32 kPitHz = 1193182;
    constexpr u32 kTicks = kPitHz / 100; // 10 ms a round
    constexpr int kRounds = 10, kGoodRounds = 3;
    // The round with the tightest bracket wins; stop after a few whose uncertainty is
    // under 0.1%.
    PitSample best {0, ~0ull, false};
    for (int round = 0, good = 0; round < kRounds && good < kGoodRounds; round++) {
        PitSample s = pit_sample(kTicks);
        if (!s.valid) continue;
        if (!best.valid || s.error < best.error) best = s;
        if (s.error * 1000 < s.delta) good++;
    }
    return best.valid ? best.delta * 100 : 0;
}

// CPUID leaf 0x15 (TSC/crystal ratio and the crystal's frequency) and, when the crystal
// is not stated, leaf 0x16's base frequency in MHz (Intel SDM vol. 2, CPUID). 0 if the
// CPU offers neither.
u64 cpuid_tsc_hz() {
    // Linux trusts these leaves on Intel only (native_calibrate_tsc).
    Cpuid v0 = cpuid(0);
    if (!(v0.ebx == 0x756e6547 && v0.edx == 0x49656e69 && v0.ecx == 0x6c65746e)) return 0; // "GenuineIntel"
    if (v0.eax < 0x15) return 0;
    Cpuid r = cpuid(0x15);
    if (!r.eax || !r.ebx) return 0;
    if (r.ecx) return u64(r.ecx) * r.ebx / r.eax;
    if (cpuid(0).eax < 0x16) return 0;
    return u64(cpuid(0x16).eax & 0xffff) * 1000000;
}
} // namespace

void tsc_calibrate() {
    g_tsc_hz = kvmclock_tsc_hz();
    if (!g_tsc_hz) g_tsc_hz = cpuid_tsc_hz();
    if (!g_tsc_hz) g_tsc_hz = pit_tsc_hz();
    if (!g_tsc_hz) kernel::panic("no TSC frequency: no kvmclock, no CPUID leaf 0x15, no PIT");
    g_ns_mult = ((1000000000ull << 32) / g_tsc_hz);
}

u64 tsc_to_ns(u64 tsc) { return u64((unsigned __int128)tsc * g_ns_mult >> 32); }
u64 tsc_hz() { return g_tsc_hz; }
} // namespace arch::x86

namespace arch {
u64 monotonic_ns() { return x86::tsc_to_ns(x86::rdtsc()); }
} // namespace arch
