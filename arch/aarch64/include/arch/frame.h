// The register frame saved on every exception (trap/vectors.S builds it, in this
// order). For entries from EL0 it sits at the top of the thread's kernel stack.
#pragma once
#include <lib/types.h>

namespace arch {
struct TrapFrame {
    u64 x[31];      // x0..x30
    u64 sp_;        // SP_EL0 for user frames, the interrupted SP for kernel frames
    u64 elr;        // where eret returns to
    u64 spsr;
    u64 esr;        // syndrome of the exception (0 for IRQs)
    u64 far;        // faulting address (aborts only)
    // A frame record {x29, elr} that x29 points at while the handler runs, so that a
    // backtrace walks from the handler into the interrupted code. {0, 0} for EL0 entries
    // (the chain ends there).
    u64 frame_record[2];
    u64 orig_x0;    // x0 at syscall entry: set_return() overwrites x0, restart_syscall() needs it
    u64 reserved_;  // keeps the size a multiple of 16

    u64 syscall_number() const { return x[8]; }
    u64 arg(int i) const { return x[i]; }
    void set_arg(int i, u64 v) { x[i] = v; }
    void set_return(u64 v) { x[0] = v; }
    u64 return_value() const { return x[0]; }
    u64 ip() const { return elr; }
    void set_ip(u64 v) { elr = v; }
    u64 sp() const { return sp_; }
    void set_sp(u64 v) { sp_ = v; }
    u64 fp() const { return x[29]; }
    u64 lr() const { return x[30]; }
    bool from_user() const { return (spsr & 0xf) == 0; } // M[3:0] == EL0t
};
static_assert(sizeof(TrapFrame) == 320 && sizeof(TrapFrame) % 16 == 0);
// trap/vectors.S uses these offsets.
static_assert(__builtin_offsetof(TrapFrame, sp_) == 248);
static_assert(__builtin_offsetof(TrapFrame, elr) == 256);
static_assert(__builtin_offsetof(TrapFrame, esr) == 272);
static_assert(__builtin_offsetof(TrapFrame, frame_record) == 288);
} // namespace arch
