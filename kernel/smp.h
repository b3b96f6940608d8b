// The other CPUs: bringing them up, and asking them for work (inter-processor
// interrupts). Each CPU's own data is kernel/cpu.h's Cpu; the scheduler (kernel/sched.cpp)
// runs threads on every online CPU from one run queue.
#pragma once
#include <lib/types.h>

namespace kernel {
struct Cpu;
}

namespace kernel::smp {
constexpr unsigned kMaxCpus = 16;

// CPUs running the scheduler; the boot CPU is number 0. Only grows (CPUs are not taken
// offline), so a count read once stays a lower bound.
unsigned online_count(); // CPU i (i < online_count()) is kernel/cpu.h's cpu_slot(i)

// Starts the CPUs the platform describes (up to `maxcpus=` on the command line; `nosmp`
// keeps the boot CPU alone). Called by kernel_main once the scheduler is up.
void init(const char* cmdline);

// Runs fn(arg) on the online CPUs in `cpus` (bit i: CPU i) other than this one, in
// interrupt context there (interrupts off, no lock may be taken: fn touches only its
// CPU's state, a TLB flush say), and returns once all have run it. Callable with
// interrupts off and spinlocks held: while waiting, this CPU answers the others'
// requests.
void call_on(u32 cpus, void (*fn)(void* arg), void* arg);

// Runs the requests other CPUs made of this one. Called from the IPI handler and from
// every spin-wait (spinlocks, the giant lock), so that a CPU spinning with interrupts
// off still answers: its holder may be waiting for it.
void handle_requests();

// A panic on this CPU: the others stop (they print where they were first).
void stop_others();
} // namespace kernel::smp
