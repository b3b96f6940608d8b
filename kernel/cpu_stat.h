// What /proc/stat tells about the CPUs and the system since boot (Linux's
// kernel_cpustat and friends), in USER_HZ ticks (kTimerHz is 100, USER_HZ's value).
// Idle time is the idle thread's measured run time. The rest, the busy time, is charged
// at each timer tick: all the busy time since the previous tick goes to what the tick
// interrupted (user code, nice when the thread's nice value is above 0, or the kernel).
// Counting one tick per tick would undercount under TCG, where the timer interrupt often
// comes late; this way the fields add up to the time since boot.
#pragma once
#include <lib/types.h>

namespace kernel {
struct CpuStat {
    u64 user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
};
// The CPUs the kernel runs on (kernel/smp.h), and each one's times.
int online_cpus();
CpuStat cpu_stat(int cpu);
u64 interrupts_taken();  // every interrupt since boot ("intr")
u64 context_switches();  // "ctxt"
u64 tasks_created();     // processes and threads, as Linux's total_forks ("processes")

// Counting (from the timer tick, the scheduler, and kernel::IrqContext at every
// interrupt, kernel/entry.h).
void account_tick(bool from_user, int nice);
void count_context_switch();
void count_interrupt();
} // namespace kernel
