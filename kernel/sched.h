// The scheduler: preemptive and weighted by nice value, over a run queue per CPU
// (kernel/sched.cpp).
#pragma once
#include <arch/interface.h>
#include <kernel/sync/spinlock.h>
#include <lib/types.h>

namespace kernel {
struct Cpu;
class Thread;
constexpr u64 kNoDeadline = ~0ull; // for the sleeps and waits that take a deadline

namespace sched {
// The run-queue locks: each CPU's queue has one, which guards the queue, its lists of
// dead and of timed sleepers, and the scheduling fields of every thread that belongs to
// it (kernel/thread.h says which; se().last_cpu says where it belongs). The innermost
// locks: nothing else is taken under them. Only kernel/sched.cpp takes them.
// For clang's analysis this object stands for "the run-queue lock of the thread in
// hand" (it cannot tell which CPU's that is): every run-queue lock acquisition claims
// it, so the analysis checks that one is held, and kernel/sched.cpp that it is the
// right one.
struct LV_CAPABILITY("run queue lock") RunQueueLocks {};
extern RunQueueLocks rq_lock;

void init();
// The idle thread of another CPU (kernel/smp.cpp), marked running: never queued, it
// runs when its CPU has nothing else. run_idle: that CPU, on its idle thread's stack,
// becomes the idle thread.
Thread* create_idle(u32 cpu);
[[noreturn]] void run_idle();
// Where every new thread starts (create_thread), with `thread` its Thread: it takes the
// run-queue lock over from the switch that started it, then runs the thread's entry.
[[noreturn]] void thread_start(void* thread);
bool idle_running();          // this CPU runs its idle thread
u64 idle_runtime_ns(Cpu& cpu); // how long a CPU's idle thread has run since boot
int runnable_threads();       // running or waiting to run, the idle threads aside
u64 runtime_ns(const Thread& t); // its time on a CPU so far, the current stretch included
bool is_runnable(const Thread& t); // running or waiting to run (not asleep, not dead)
void yield();                 // give up the CPU, stay runnable
// Wake-up preemption: on the way back to user mode, a thread woken onto this CPU's
// queue that has run sufficiently less than the current one gets the CPU (Linux's
// check_preempt_wakeup and TIF_NEED_RESCHED, without preempting kernel code).
void preempt_if_needed();
// sched_setaffinity: `t` runs only on the CPUs in `mask` (bit i: CPU i; at least one
// online). If it runs elsewhere now, it moves: at once if it is the caller, else by its
// CPU's next tick.
void set_affinity(Thread& t, u64 mask);
u64 affinity(const Thread& t);
u32 cpu_of(const Thread& t);               // where it runs or last ran
void inherit_affinity(Thread& child, const Thread& parent); // fork, clone
void wake(Thread& t);         // make t runnable if it sleeps (any context)
void kick(Thread& t);         // interrupt t's CPU if t runs on another one (signals)
void add(Thread& t);          // a new thread becomes runnable
// t.sched (nice value, policy) changed: its share of the CPU follows.
void priority_changed(Thread& t);
[[noreturn]] void exit_current(); // the current thread is gone; never returns
void on_tick();               // from handle_timer_tick: sleepers' deadlines, time slices

// Sleeping. With a lock: the thread is marked asleep before `lock` is given up, so a
// waker, which takes `lock` and then the thread's run-queue lock, either runs before the caller
// gave `lock` up or finds it asleep: no wake is lost. `lock` is held again on return.
// A deadline (monotonic ns; kNoDeadline for none) ends the sleep at the latest: the
// result says whether it passed. (The wait queues build on this: kernel/wait_queue.h.)
bool sleep_releasing(Spinlock& lock, u64 deadline_ns) LV_REQUIRES(lock);
// Without a lock: the caller made its check in a giant::Section (kernel/sync/giant.h),
// which excludes wakers on every CPU as long as they hold the giant lock too; the sleep gives it up only once the thread is marked
// asleep. Those callers move to sleep_releasing as their data gets named locks.
void block();                       // until wake()
bool sleep_until(u64 deadline_ns);  // until wake() or the deadline; true if it passed

// The soft-lockup detector (Linux's watchdog): when a tick finds the same thread in
// kernel code with no context switch and no return to user mode for kLockupSeconds,
// the kernel log gets "BUG: soft lockup", the thread and the backtrace of where it was
// interrupted, again every kLockupSeconds while it stays stuck. A hang is then as
// debuggable as a panic. (Code that keeps interrupts off gets no tick at all: that
// needs an NMI watchdog, which there is not yet.)
constexpr u64 kLockupSeconds = 20;
void watchdog(const arch::TrapFrame& f);
} // namespace sched
} // namespace kernel
