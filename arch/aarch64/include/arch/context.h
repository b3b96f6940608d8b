// Per-thread CPU state owned by the arch: the callee-saved kernel context that
// context_switch() exchanges, and the user state (FP/SIMD, TLS) that thread_switch()
// saves and restores eagerly (the kernel itself never uses FP/SIMD registers).
#pragma once
#include <lib/types.h>

namespace arch {
struct Context {
    u64 x19_x28[10];
    u64 fp; // x29
    u64 lr; // x30: where context_switch returns to
    u64 sp;
};
static_assert(sizeof(Context) == 104); // thread/switch.S

struct alignas(16) ThreadState {
    u64 q[64]; // q0..q31, 128 bits each (low, high)
    u64 fpcr = 0;
    u64 fpsr = 0;
    u64 tpidr_el0 = 0;   // the user thread pointer
    u64 kstack_top = 0;  // recorded by thread_switch (informational)
};
static_assert(__builtin_offsetof(ThreadState, fpcr) == 512); // thread/switch.S
} // namespace arch
