// The register frame saved on every entry into the kernel from user mode (SYSCALL,
// interrupt, exception) at the top of the thread's kernel stack, and on entries from
// kernel mode on the current stack. Layout shared with the assembly: x86/layout.h.
#pragma once
#include <lib/types.h>
#include <arch/x86/layout.h>

namespace arch {
struct TrapFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector;     // interrupt/exception vector; kSyscallVector for SYSCALL entries
    u64 error_code; // CPU error code (0 if none); for SYSCALL: the number (Linux's orig_rax)
    // As pushed by the CPU on an interrupt, or built by the SYSCALL entry.
    u64 rip, cs, rflags, rsp, ss;

    static constexpr u64 kSyscallVector = SYSCALL_VECTOR;

    // The syscall number survives set_return() (needed to restart a syscall).
    u64 syscall_number() const { return error_code; }
    // Syscall arguments: rdi rsi rdx r10 r8 r9 (the SYSCALL convention).
    u64 arg(int i) const {
        switch (i) {
        case 0: return rdi;
        case 1: return rsi;
        case 2: return rdx;
        case 3: return r10;
        case 4: return r8;
        default: return r9;
        }
    }
    void set_return(u64 v) { rax = v; }
    u64 return_value() const { return rax; }
    u64 ip() const { return rip; }
    void set_ip(u64 v) { rip = v; }
    u64 sp() const { return rsp; }
    void set_sp(u64 v) { rsp = v; }
    u64 fp() const { return rbp; }
    bool from_user() const { return (cs & 3) == 3; }
    // Function-call argument registers (rdi rsi rdx rcx r8 r9), for entering a signal
    // handler. The first three coincide with the syscall convention.
    void set_arg(int i, u64 v) {
        switch (i) {
        case 0: rdi = v; break;
        case 1: rsi = v; break;
        case 2: rdx = v; break;
        case 3: rcx = v; break;
        case 4: r8 = v; break;
        default: r9 = v; break;
        }
    }

    // x86_64 extras (not part of the generic contract).
    bool is_syscall() const { return vector == kSyscallVector; }
    // Re-execute the SYSCALL instruction (2 bytes) with the original number, for
    // ERESTARTSYS-style restarts after a signal handler.
    void rewind_syscall() { rax = error_code; rip -= 2; }
};
static_assert(sizeof(TrapFrame) == TF_SIZE);
static_assert(__builtin_offsetof(TrapFrame, rbp) == TF_RBP);
static_assert(__builtin_offsetof(TrapFrame, rcx) == TF_RCX);
static_assert(__builtin_offsetof(TrapFrame, rax) == TF_RAX);
static_assert(__builtin_offsetof(TrapFrame, vector) == TF_VECTOR);
static_assert(__builtin_offsetof(TrapFrame, error_code) == TF_ERROR);
static_assert(__builtin_offsetof(TrapFrame, rip) == TF_RIP);
static_assert(__builtin_offsetof(TrapFrame, cs) == TF_CS);
static_assert(__builtin_offsetof(TrapFrame, rflags) == TF_RFLAGS);
static_assert(__builtin_offsetof(TrapFrame, rsp) == TF_RSP);
static_assert(__builtin_offsetof(TrapFrame, ss) == TF_SS);
static_assert(TF_SIZE % 16 == 0, "keeps the kernel stack 16-byte aligned below the frame");
} // namespace arch
