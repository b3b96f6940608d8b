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
    // SVE (cpu/sve.h). The thread's own: changed by itself (trap, prctl, exec,
    // sigreturn) with interrupts off where thread_switch reads them, or before it runs.
    u8* sve_state = nullptr;  // Z, P, FFR at sve_vl; allocated at first use
    u16 sve_vl = 0;           // vector length in bytes (0: no SVE)
    u16 sve_vl_onexec = 0;    // for the next exec (PR_SVE_SET_VL_ONEXEC / _INHERIT)
    bool sve_inherit = false; // PR_SVE_VL_INHERIT
    bool sve_live = false;    // Linux's TIF_SVE: the SVE registers are in use, EL0 access on

    ThreadState() = default;
    ~ThreadState(); // frees sve_state
    ThreadState(const ThreadState&) = delete;
    ThreadState& operator=(const ThreadState&) = delete;
};
static_assert(__builtin_offsetof(ThreadState, fpcr) == 512); // thread/switch.S
} // namespace arch
