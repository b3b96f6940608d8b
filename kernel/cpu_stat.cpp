#include <kernel/cpu_stat.h>
#include <kernel/entry.h>
#include <kernel/lock.h>
#include <kernel/sched.h>
#include <kernel/time.h>

namespace kernel {
namespace {
enum Kind { kUser, kNice, kSystem };
// Changed in interrupt context or with interrupts off, on the one CPU (FIXME(SMP):
// per-CPU, summed when read).
u64 g_ns[3];               // busy time charged so far, by Kind
u64 g_last_ns = 0;         // monotonic time of the last charge
u64 g_last_idle_ns = 0;    // the idle thread's run time then
Kind g_last_kind = kSystem;
u64 g_interrupts = 0;
u64 g_switches = 0;

// Busy time since the last charge (interrupts off).
u64 busy_since_last(u64 now, u64 idle_ns) {
    u64 elapsed = now - g_last_ns, idle = idle_ns - g_last_idle_ns;
    return elapsed > idle ? elapsed - idle : 0;
}
} // namespace

int online_cpus() { return 1; }

CpuStat cpu_stat(int) {
    constexpr u64 kNsPerTick = 1'000'000'000 / arch::kTimerHz;
    u64 ns[3], idle_ns;
    {
        InterruptGuard g;
        u64 now = time::monotonic_ns();
        idle_ns = sched::idle_runtime_ns();
        for (int k = 0; k < 3; k++) ns[k] = g_ns[k];
        ns[g_last_kind] += busy_since_last(now, idle_ns); // not charged yet
    }
    CpuStat out;
    out.user = ns[kUser] / kNsPerTick;
    out.nice = ns[kNice] / kNsPerTick;
    out.system = ns[kSystem] / kNsPerTick;
    out.idle = idle_ns / kNsPerTick;
    return out;
}

u64 interrupts_taken() { return __atomic_load_n(&g_interrupts, __ATOMIC_RELAXED); }
u64 context_switches() { return __atomic_load_n(&g_switches, __ATOMIC_RELAXED); }

void account_tick(bool from_user, int nice) {
    u64 now = time::monotonic_ns(), idle_ns = sched::idle_runtime_ns();
    Kind kind = sched::idle_running() ? g_last_kind : !from_user ? kSystem : nice > 0 ? kNice : kUser;
    g_ns[kind] += busy_since_last(now, idle_ns);
    g_last_ns = now;
    g_last_idle_ns = idle_ns;
    g_last_kind = kind;
}

void count_interrupt() { __atomic_fetch_add(&g_interrupts, 1, __ATOMIC_RELAXED); }
void count_context_switch() { __atomic_fetch_add(&g_switches, 1, __ATOMIC_RELAXED); }
} // namespace kernel
