// The monotonic clock: the TSC, scaled to nanoseconds.
//
// Frequency, best source first:
//  - KVM's paravirtual clock (kvmclock): the host states the TSC -> ns scale exactly,
//    at the cost of one MSR write, with no timing loop (port I/O under nested KVM
//    is slow and jittery);
//  - CPUID leaves 0x15/0x16, where the CPU states its TSC frequency;
//  - the PIT: count TSC ticks over 10 ms of PIT channel 2, a few times, keeping the
//    most precise count (TCG, real hardware; see pit_sample).
// After the PIT's calibration, the boot CPU's timer tick checks the frequency over
// longer windows (include/arch/x86/tsc_refine.h): against the ACPI PM timer over a
// second, which refines it, then against the RTC over three seconds, which corrects it
// if it is still more than 2% off.
// The guest TSC starts near 0 when QEMU starts the VM (KVM and TCG alike), so
// monotonic_ns() is roughly the time since QEMU started.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <arch/x86/tsc_refine.h>
#include <kernel/log.h>

namespace arch::x86 {
namespace {
// ns = base_ns + (tsc - base_tsc) * mult >> 32. Set once at boot, then changed only by
// the boot CPU's tick (tsc_tick, interrupts off: one writer), under the sequence count
// g_scale_seq (odd while it writes), so that a reader on any CPU never mixes two
// scales. A change rebases at the current TSC, so the clock does not jump.
struct Scale {
    u64 base_tsc, base_ns, mult;
};
u32 g_scale_seq = 0;
Scale g_scale {0, 0, 0};
u64 g_tsc_hz = 0; // what the scale says, for timing loops and /proc/cpuinfo

u64 mult_for(u64 hz) { return (1000000000ull << 32) / hz; }

// Only the boot CPU writes (tsc_calibrate, then tsc_tick with interrupts off).
void set_scale(u64 hz, u64 now_tsc) {
    Scale s;
    s.base_tsc = now_tsc;
    s.base_ns = g_scale.mult ? tsc_to_ns(now_tsc) : 0;
    s.mult = mult_for(hz);
    if (g_tsc_hz) {
        u64 diff = hz > g_tsc_hz ? hz - g_tsc_hz : g_tsc_hz - hz;
        if (diff * 100 > g_tsc_hz) lapic_rescale_timer(hz, g_tsc_hz); // off by over 1%
    }
    __atomic_store_n(&g_scale_seq, g_scale_seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&g_scale.base_tsc, s.base_tsc, __ATOMIC_RELAXED);
    __atomic_store_n(&g_scale.base_ns, s.base_ns, __ATOMIC_RELAXED);
    __atomic_store_n(&g_scale.mult, s.mult, __ATOMIC_RELAXED);
    __atomic_store_n(&g_tsc_hz, hz, __ATOMIC_RELAXED);
    __atomic_store_n(&g_scale_seq, g_scale_seq + 1, __ATOMIC_RELEASE);
}

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

// The checks after boot, when the PIT gave the frequency (tsc_tick).
bool g_checking = false;
u16 g_pm_port = 0; // 0: no PM timer
PmTimerRefiner g_pm {24};
RtcSecondsCheck g_rtc;
} // namespace

void tsc_calibrate() {
    u64 hz = kvmclock_tsc_hz();
    if (!hz) hz = cpuid_tsc_hz();
    if (!hz) {
        hz = pit_tsc_hz();
        g_checking = hz != 0;
    }
    if (!hz) kernel::panic("no TSC frequency: no kvmclock, no CPUID leaf 0x15, no PIT");
    set_scale(hz, 0);
}

void tsc_start_checks() {
    if (!g_checking) return;
    unsigned bits = 0;
    g_pm_port = acpi_pm_timer(&bits);
    if (g_pm_port) g_pm = PmTimerRefiner(bits);
}

void tsc_tick() {
    if (!g_checking) return;
    u64 hz = g_tsc_hz;
    if (g_pm_port && !g_pm.done()) {
        TscBracket t;
        t.lo = rdtsc();
        u32 count = inl(g_pm_port);
        t.hi = rdtsc();
        if (u64 refined = g_pm.sample(t, count, hz)) {
            u64 diff = refined > hz ? refined - hz : hz - refined;
            kernel::log(diff * 200 > hz ? kernel::LogLevel::Info : kernel::LogLevel::Debug,
                        "tsc: %llu Hz over a second of the ACPI PM timer (was %llu Hz from the PIT)",
                        (unsigned long long)refined, (unsigned long long)hz);
            set_scale(refined, t.mid());
            hz = refined;
        }
    }
    TscBracket t;
    t.lo = rdtsc();
    int second = rtc_second();
    t.hi = rdtsc();
    RtcSecondsCheck::Verdict v = g_rtc.sample(t, second);
    if (v.ready) {
        // 2% of slack beyond the measurement's own bounds.
        if (hz * 50 < v.hz_lo * 49 || hz * 50 > v.hz_hi * 51) {
            u64 fixed = v.hz_lo + (v.hz_hi - v.hz_lo) / 2;
            log_warn("tsc: %llu Hz disagrees with the RTC (%llu-%llu Hz over %u s); using %llu Hz",
                     (unsigned long long)hz, (unsigned long long)v.hz_lo, (unsigned long long)v.hz_hi,
                     RtcSecondsCheck::kSeconds, (unsigned long long)fixed);
            set_scale(fixed, t.mid());
        } else {
            log_debug("tsc: %llu Hz agrees with the RTC (%llu-%llu Hz)", (unsigned long long)hz,
                      (unsigned long long)v.hz_lo, (unsigned long long)v.hz_hi);
        }
    }
    if (g_rtc.done() && (!g_pm_port || g_pm.done())) g_checking = false;
}

u64 tsc_to_ns(u64 tsc) {
    for (;;) {
        u32 seq = __atomic_load_n(&g_scale_seq, __ATOMIC_ACQUIRE);
        if (seq & 1) {
            pause();
            continue;
        }
        u64 base_tsc = __atomic_load_n(&g_scale.base_tsc, __ATOMIC_RELAXED);
        u64 base_ns = __atomic_load_n(&g_scale.base_ns, __ATOMIC_RELAXED);
        u64 mult = __atomic_load_n(&g_scale.mult, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&g_scale_seq, __ATOMIC_RELAXED) != seq) continue;
        // A TSC from before the base (read earlier, or on a CPU whose TSC is a little
        // behind) counts backwards from it.
        if (tsc >= base_tsc) return base_ns + u64((unsigned __int128)(tsc - base_tsc) * mult >> 32);
        u64 back = u64((unsigned __int128)(base_tsc - tsc) * mult >> 32);
        return back < base_ns ? base_ns - back : 0;
    }
}
u64 tsc_hz() { return __atomic_load_n(&g_tsc_hz, __ATOMIC_RELAXED); }
} // namespace arch::x86

namespace arch {
u64 monotonic_ns() { return x86::tsc_to_ns(x86::rdtsc()); }
} // namespace arch
