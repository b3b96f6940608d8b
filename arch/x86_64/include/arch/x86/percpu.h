// The per-CPU area. In kernel mode GS_BASE points at it (the SYSCALL entry finds the
// kernel stack there); in user mode it sits in KERNEL_GS_BASE and SWAPGS exchanges
// the two. One CPU for now, so C++ code uses the global directly.
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
};
static_assert(__builtin_offsetof(PerCpu, self) == PERCPU_SELF);
static_assert(__builtin_offsetof(PerCpu, kernel_rsp) == PERCPU_KERNEL_RSP);
static_assert(__builtin_offsetof(PerCpu, user_rsp) == PERCPU_USER_RSP);
static_assert(__builtin_offsetof(PerCpu, kernel_cpu) == PERCPU_KERNEL_CPU);

extern PerCpu g_percpu;
// Points GS_BASE at the per-CPU area (gdt_init does again after reloading GS).
void percpu_early_init();
} // namespace arch::x86
