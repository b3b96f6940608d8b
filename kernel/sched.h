// The scheduler: preemptive round-robin over runnable threads on one CPU.
#pragma once
#include <lib/types.h>

namespace kernel {
struct Thread;
namespace sched {
void init();
void yield();                 // give up the CPU, stay runnable
void block();                 // the current thread is no longer runnable; switch away
void wake(Thread& t);         // make t runnable (interrupt-safe)
void add(Thread& t);          // a new thread becomes runnable
[[noreturn]] void exit_current(); // the current thread is gone; never returns
void on_tick();               // from handle_timer_tick: time-slice accounting, preemption
// Block the current thread until `deadline_ns` of monotonic time or an earlier wake().
// Thread::timed_out tells which.
void sleep_until(u64 deadline_ns);
} // namespace sched
} // namespace kernel
