#include <kernel/cpu.h>
#include <kernel/cpu_stat.h>
#include <kernel/smp.h>
#include <kernel/entry.h>
#include <kernel/sched.h>
#include <kernel/time.h>

namespace kernel {
namespace {
enum Kind { kUser, kNice, kSystem };
u64 g_interrupts = 0; // atomic
u64 g_switches = 0;   // atomic

// Busy time on a CPU since its last charge.
u64 busy_since_last(const Cpu::Stat& s, u64 now, u64 idle_ns) {
    u64 elapsed = now - s.last_ns, idle = idle_ns - s.last_idle_ns;
    return elapsed > idle ? elapsed - idle : 0;
}
} // namespace

int online_cpus() { return int(smp::online_count()); }

CpuStat cpu_stat(int index) {
    constexpr u64 kNsPerTick = 1'000'000'000 / arch::kTimerHz;
    Cpu& cpu = cpu_slot(unsigned(index));
    u64 ns[3], idle_ns;
    {
        arch::IrqState irq = arch::irq_save(); // this CPU's charge cannot change meanwhile
        u64 now = time::monotonic_ns();
        idle_ns = sched::idle_runtime_ns(cpu);
        const Cpu::Stat& s = cpu.stat;
        for (int k = 0; k < 3; k++) ns[k] = __atomic_load_n(&s.ns[k], __ATOMIC_RELAXED);
        ns[__atomic_load_n(&s.last_kind, __ATOMIC_RELAXED)] += busy_since_last(s, now, idle_ns); // not charged yet
        arch::irq_restore(irq);
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
    Cpu& cpu = this_cpu(); // interrupt context: interrupts off
    Cpu::Stat& s = cpu.stat;
    u64 now = time::monotonic_ns(), idle_ns = sched::idle_runtime_ns(cpu);
    Kind kind = sched::idle_running() ? Kind(s.last_kind) : !from_user ? kSystem : nice > 0 ? kNice : kUser;
    __atomic_store_n(&s.ns[kind], s.ns[kind] + busy_since_last(s, now, idle_ns), __ATOMIC_RELAXED);
    __atomic_store_n(&s.last_ns, now, __ATOMIC_RELAXED);
    __atomic_store_n(&s.last_idle_ns, idle_ns, __ATOMIC_RELAXED);
    __atomic_store_n(&s.last_kind, int(kind), __ATOMIC_RELAXED);
}

void count_interrupt() { __atomic_fetch_add(&g_interrupts, 1, __ATOMIC_RELAXED); }
void count_context_switch() { __atomic_fetch_add(&g_switches, 1, __ATOMIC_RELAXED); }
} // namespace kernel
