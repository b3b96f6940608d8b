// The per-CPU area. In kernel mode GS_BASE points at it (the SYSCALL entry finds the
// kernel stack there); in user mode it sits in KERNEL_GS_BASE and SWAPGS exchanges
// the two. Each CPU has its own (g_percpu[index]); C++ code finds the calling CPU's
// with this_percpu().
#pragma once
#include <arch/context.h>
#include <arch/x86/layout.h>
#include <lib/types.h>

namespace arch::x86 {
struct PerCpu {
    PerCpu* self;
    u64 kernel_rsp;    // top of the current thread's kernel stack (= TSS.rsp0)
    u64 user_rsp;      // scratch for the SYSCALL entry
    ThreadState* current; // state of the running thread, as last passed to thread_switch
    void* kernel_cpu;     // the generic kernel's per-CPU data (arch::cpu_local)
    u32 index;            // the CPU's number (0: the boot CPU)
    PhysAddr loaded_root; // the page-table root in CR3 (atomic: read by TLB shootdowns)
};
static_assert(__builtin_offsetof(PerCpu, self) == PERCPU_SELF);
static_assert(__builtin_offsetof(PerCpu, kernel_rsp) == PERCPU_KERNEL_RSP);
static_assert(__builtin_offsetof(PerCpu, user_rsp) == PERCPU_USER_RSP);
static_assert(__builtin_offsetof(PerCpu, kernel_cpu) == PERCPU_KERNEL_CPU);

constexpr unsigned kMaxCpus = 16; // kernel::smp::kMaxCpus
extern PerCpu g_percpu[kMaxCpus];
inline PerCpu& this_percpu() {
    PerCpu* p;
    asm volatile("movq %%gs:%c1, %0" : "=r"(p) : "i"(PERCPU_SELF));
    return *p;
}
// The running thread's state, in one GS-relative load: this_percpu().current is two, and
// a thread preempted and moved to another CPU between them would read the old CPU's.
inline ThreadState* current_state() {
    ThreadState* s;
    asm volatile("movq %%gs:%c1, %0" : "=r"(s) : "i"(__builtin_offsetof(PerCpu, current)));
    return s;
}
// Points GS_BASE at CPU `index`'s per-CPU area (gdt_init does again after reloading GS).
void percpu_early_init(unsigned index);
} // namespace arch::x86
