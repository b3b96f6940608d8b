// The scheduler: preemptive round-robin over runnable threads on one CPU.
#pragma once
#include <arch/interface.h>
#include <lib/types.h>

namespace kernel {
struct Thread;
namespace sched {
void init();
bool idle_running();          // the CPU runs its idle thread
u64 idle_runtime_ns();        // how long the idle thread has run since boot (interrupts off)
int runnable_threads();       // running or waiting to run, the idle thread aside
void yield();                 // give up the CPU, stay runnable
void block();                 // the current thread is no longer runnable; switch away
void wake(Thread& t);         // make t runnable (interrupt-safe)
void add(Thread& t);          // a new thread becomes runnable
[[noreturn]] void exit_current(); // the current thread is gone; never returns
void on_tick();               // from handle_timer_tick: time-slice accounting, preemption
// The soft-lockup detector (Linux's watchdog): when a tick finds the same thread in
// kernel code with no context switch and no return to user mode for kLockupSeconds,
// the kernel log gets "BUG: soft lockup", the thread and the backtrace of where it was
// interrupted, again every kLockupSeconds while it stays stuck. A hang is then as
// debuggable as a panic. (Code that keeps interrupts off gets no tick at all: that
// needs an NMI watchdog, which there is not yet.)
constexpr u64 kLockupSeconds = 20;
void watchdog(const arch::TrapFrame& f);
// Block the current thread until `deadline_ns` of monotonic time or an earlier wake().
// Thread::timed_out tells which.
void sleep_until(u64 deadline_ns);
} // namespace sched
} // namespace kernel
