// The aarch64 layer's per-CPU data, found through TPIDR_EL1 (head.S sets it on every CPU
// before any C++ code runs). The generic kernel's own (arch::cpu_local) hangs off it.
#pragma once
#include <arch/context.h>

namespace arch {
struct alignas(64) PerCpu { // a cache line each
    void* kernel_cpu;  // arch::cpu_local(); null until set_cpu_local
    ThreadState* live; // whose FP/SIMD registers and TPIDR_EL0 the CPU holds (thread/thread.cpp)
    PhysAddr user_root; // in TTBR0, 0 for none (mm/paging.cpp); read by other CPUs
};

inline PerCpu& this_percpu() {
    PerCpu* p;
    asm volatile("mrs %0, tpidr_el1" : "=r"(p));
    return *p;
}
// The running thread's user state (PerCpu::live), read with interrupts off: the per-CPU
// pointer and the field are two loads, and a thread moved to another CPU between them
// would read the old CPU's (another thread's).
inline ThreadState& current_state() {
    u64 daif;
    asm volatile("mrs %0, daif; msr daifset, #2" : "=r"(daif)::"memory");
    ThreadState* s = this_percpu().live;
    asm volatile("msr daif, %0" ::"r"(daif) : "memory");
    return *s;
}
// CPU `index` (as arch::start_cpu numbers them: 0 is the boot CPU) < Board::kMaxCpus.
PerCpu& percpu(unsigned index);
constexpr unsigned kPerCpuSlots = 16; // Board::kMaxCpus
} // namespace arch
