// Per-CPU data: what each CPU keeps for itself, found through a CPU register
// (arch::cpu_local: GS on x86_64, TPIDR_EL1 on aarch64) so that code running on a CPU
// reaches its own with one load and no lock.
//
// Rules: a CPU's fields are written only by that CPU (with interrupts off where an
// interrupt handler on the same CPU also writes them), unless a field says otherwise.
// A thread must not keep a Cpu& across a point where it may be switched out: it may
// resume on another CPU.
#pragma once
#include <lib/types.h>

namespace kernel {
class Thread;

struct alignas(64) Cpu { // a cache line of its own: CPUs write their own often
    u32 id = 0;
    // The thread running here. Changed only by this CPU's scheduler, with the scheduler
    // lock held; read by this CPU without it (it is the reader itself).
    Thread* current = nullptr; // read by other CPUs only as a hint (kernel/sched.cpp: is it idle?)
    Thread* idle = nullptr;         // runs when nothing else can
    // A thread woken onto this CPU's queue should run before the current one (wake-up
    // preemption, kernel/sched.cpp): set by any CPU under this CPU's run-queue lock,
    // cleared by this CPU's next switch; read without the lock on the way to user mode.
    bool need_resched = false;
    u32 spinlocks_held = 0;         // kernel/sync/spinlock.h: all of them
    u32 irqs_on_spinlocks_held = 0; // those with IrqPolicy::On among them
    // The soft-lockup watchdog (sched::watchdog): the last context switch, return to
    // user or idle tick, and the last report.
    u64 progress_ns = 0;
    u64 lockup_reported_ns = 0;
    // /proc/stat's time split (kernel/cpu_stat.cpp), charged at this CPU's ticks with
    // interrupts off; other CPUs read it (each field is one aligned word).
    struct Stat {
        u64 ns[3] = {};       // busy time charged so far: user, nice, system
        u64 last_ns = 0;      // monotonic time of the last charge
        u64 last_idle_ns = 0; // the idle thread's run time then
        int last_kind = 2;    // what the last charge went to (system)
    } stat;
};

// The calling CPU's data. Before the boot CPU has set it up (the first lines of
// kernel_main), the boot CPU's.
Cpu& this_cpu();
// Makes the calling CPU the boot CPU (number 0): called once, first thing in kernel_main.
void cpu_init_boot();
// CPU number `index` (< smp::kMaxCpus), online or not (kernel/smp.h).
Cpu& cpu_slot(unsigned index);
} // namespace kernel
