// CPU time accounting and timers.
//
// Accounting: each thread's exact time on the CPU comes from timestamps at every
// context switch (cputime_switch); the timer tick samples whether it interrupted user
// or kernel mode, and those samples split the exact time into user and system time
// (Linux's cputime_adjust, monotonic across reports).
//
// Timers: ITIMER_REAL (alarm, setitimer) and POSIX timers on the realtime/monotonic
// clocks are deadlines on one sorted list, checked at every tick (so they fire with
// the tick's 10 ms granularity); ITIMER_VIRTUAL/ITIMER_PROF count down CPU time at
// each tick, and so do POSIX timers on the CPU-time clocks. Every timer's state, the
// deadline list and each process's timer lists are guarded by g_timer_lock ("timers",
// taken before the signal and scheduler locks a firing timer needs). The accounting is
// still guarded by disabling interrupts.
#pragma once
#include <kernel/thread.h>
#include <lib/list.h>
#include <lib/result.h>

namespace kernel {
class Process;

// ---------------------------------------------------------------- accounting
// Hooks: the scheduler calls cputime_switch (under its lock) just before switching
// from prev to next; every timer tick calls timer_tick (accounting, then the timers)
// before scheduling.
void cputime_switch(Thread& prev, Thread& next) LV_REQUIRES(sched::rq_lock);
void timer_tick(bool from_user);

u64 thread_runtime_ns(const Thread& t); // exact, including the current slice
u64 process_runtime_ns(const Process& p); // every thread, live or exited
CpuSplit thread_cpu(Thread& t);           // user/system
CpuSplit process_cpu(Process& p);
// At reaping (wait4/waitid): the child's own times plus its reaped children's, which
// the parent adds to its children's totals (getrusage RUSAGE_CHILDREN, times(2)).
CpuSplit child_total_cpu(Process& child) LV_REQUIRES_GIANT;
void add_reaped_child(Process& parent, Process& child) LV_REQUIRES_GIANT;

// Linux's dynamic CPU clocks (posix-cpu-timers.c), the ids clock_getcpuclockid and
// pthread_getcpuclockid make: negative, with the pid or tid in ~id >> 3, bit 2 for a
// thread's clock, and in bits 0-1 which time: PROF (user + system), VIRT (user) or
// SCHED (exact run time; 3 is invalid). A thread's clock must be one of the caller's
// threads; a process's, any live process. Id 0 is the caller. With the giant lock held
// (the thread or process is used only while it is).
enum CpuWhich : int { kCpuProf = 0, kCpuVirt = 1, kCpuSched = 2 };
struct CpuClock {
    Thread* thread = nullptr; // a thread's clock, or
    Process* process = nullptr; // a process's
    int which = kCpuSched;
};
ErrorOr<CpuClock> cpu_clock(int clock) LV_REQUIRES_GIANT; // clock < 0; EINVAL for an invalid or dead one
u64 cpu_clock_ns(const CpuClock& c);

// sysinfo's loads: 1, 5 and 15 minute averages of runnable threads, 16 fraction bits.
void load_average(u64 (&loads)[3]);

// ---------------------------------------------------------------- timers
enum class TimerKind : u8 { Real, Posix };

extern Spinlock g_timer_lock;

// What is fixed when a timer is made (process .. target_tid, cpu_clock, cpu_tid) is
// written before it is published on its process's list; the rest is under g_timer_lock.
struct Timer {
    lv::ListNode armed_node;   // on the global deadline list while armed
    lv::ListNode process_node; // POSIX timers: the owner's list
    Process* process = nullptr;
    TimerKind kind = TimerKind::Real;
    int id LV_GUARDED_BY(g_timer_lock) = -1;
    int clock = 0;
    u64 deadline_ns LV_GUARDED_BY(g_timer_lock) = 0; // monotonic; valid while armed
    u64 interval_ns LV_GUARDED_BY(g_timer_lock) = 0;
    // Notification (POSIX timers; ITIMER_REAL always sends SIGALRM with SI_KERNEL).
    int notify = 0; // SIGEV_SIGNAL 0, SIGEV_NONE 1, SIGEV_THREAD 2, SIGEV_THREAD_ID 4
    int signo = 0;
    int target_tid = 0;
    u64 value LV_GUARDED_BY(g_timer_lock) = 0; // sigev_value
    bool signal_queued LV_GUARDED_BY(g_timer_lock) = false;
    u32 overrun_pending LV_GUARDED_BY(g_timer_lock) = 0; // expirations since the queued signal was generated
    u32 overrun_last LV_GUARDED_BY(g_timer_lock) = 0;    // timer_getoverrun: the count of the last delivered signal
    // Timers on CLOCK_PROCESS_CPUTIME_ID / CLOCK_THREAD_CPUTIME_ID are not on the
    // deadline list: the tick counts their CPU time down (of cpu_tid's thread, for the
    // thread clock), like ITIMER_PROF.
    bool cpu_clock = false;
    int cpu_tid = 0;
    u64 cpu_left_ns LV_GUARDED_BY(g_timer_lock) = 0; // 0: disarmed
    u32 cpu_fires LV_GUARDED_BY(g_timer_lock) = 0;   // expirations counted by the tick, not yet notified
    bool armed() const LV_REQUIRES(g_timer_lock) { return armed_node.linked(); }
};

struct CpuItimer {
    u64 left_ns LV_GUARDED_BY(g_timer_lock) = 0; // 0: disarmed
    u64 interval_ns LV_GUARDED_BY(g_timer_lock) = 0;
};

// A process's timers; made on first use, freed with the process (release_timers).
struct ProcessTimers {
    Timer real;
    CpuItimer virt, prof;
    // CPU-time expirations the tick counted (it runs without the giant lock), which the
    // timer work (kernel/work.h) notifies: on the fired list while there are some.
    lv::ListNode fired_node;
    bool virt_fired LV_GUARDED_BY(g_timer_lock) = false;
    bool prof_fired LV_GUARDED_BY(g_timer_lock) = false;
    lv::IntrusiveList<Timer, &Timer::process_node> posix LV_GUARDED_BY(g_timer_lock);
    int next_id LV_GUARDED_BY(g_timer_lock) = 0;
    u32 count LV_GUARDED_BY(g_timer_lock) = 0;
};

ErrorOr<ProcessTimers*> timers_of(Process& p);
void release_timers(Process& p);

// Arms `t` to expire after `delay_ns` (0 disarms), then every interval_ns. Expiry is
// checked at each tick.
void arm_timer(Timer& t, u64 delay_ns, u64 interval_ns) LV_REQUIRES(g_timer_lock);
u64 timer_remaining_ns(const Timer& t) LV_REQUIRES(g_timer_lock); // 0 if disarmed
// kernel/signal.cpp calls this when an SI_TIMER signal is taken: it fills si_overrun.
void timer_signal_dequeued(Process& p, Thread::SigInfo& info) LV_EXCLUDES(g_timer_lock);
// The process's POSIX timer with this id, or null. It stays valid while the lock is
// held (another thread may delete it).
Timer* find_posix_timer(Process& p, int id) LV_REQUIRES(g_timer_lock);
void delete_posix_timer(Timer& t) LV_REQUIRES(g_timer_lock, giant::the_lock);
// execve: POSIX timers do not survive it (the interval timers and alarm do).
void delete_posix_timers(Process& p) LV_EXCLUDES(g_timer_lock) LV_REQUIRES_GIANT;
} // namespace kernel
