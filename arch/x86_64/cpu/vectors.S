// Interrupt and exception entry: one 16-byte stub per vector (pushes a zero error
// code where the CPU pushes none, then the vector number), one common path that
// completes an arch::TrapFrame and calls x86_trap(frame) (cpu/traps.cpp).
//
// From user mode (CS RPL 3) the CPU has switched to TSS.rsp0, the top of the thread's
// kernel stack, so the frame lands exactly where generic code expects it; the IST
// exceptions (#DB, NMI, #MC) land on their own stack and are moved there. SWAPGS is
// done only for entries from user mode: the kernel-mode handlers of NMI and #DB (which
// can hit the first instruction of the SYSCALL entry, before its SWAPGS) never touch %gs.
#include <arch/x86/entry_macros.h>

.text
.balign 16
.globl x86_vector_stubs
x86_vector_stubs:
.set vec, 0
.rept 256
    .balign 16
    // Vectors whose exceptions push an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX.
    .if vec != 8 && vec != 10 && vec != 11 && vec != 12 && vec != 13 && vec != 14 && vec != 17 && vec != 21 && vec != 29 && vec != 30
    pushq $0
    .endif
    pushq $vec
    jmp trap_common
    .set vec, vec + 1
.endr

trap_common:
    PUSH_GPRS
    cld
    CLAC_IF_SMAP                        // an interrupted user copy leaves AC set
    testb $3, TF_CS(%rsp)
    jz .Lfrom_kernel

    swapgs
    // IST entries: move the frame to the top of the thread's kernel stack.
    mov %gs:PERCPU_KERNEL_RSP, %rdi
    sub $TF_SIZE, %rdi
    cmp %rdi, %rsp
    je 1f
    mov %rsp, %rsi
    mov $(TF_SIZE / 8), %ecx
    rep movsq
    lea -TF_SIZE(%rdi), %rsp
1:  xor %ebp, %ebp                      // the backtrace ends here
    mov %rsp, %rdi
    call x86_trap                       // includes the return-to-user work; IF=0 after
    jmp x86_return_to_user

.Lfrom_kernel:
    // A frame record {rbp, rip} of the interrupted code, so that backtraces from the
    // handler continue into it.
    pushq TF_RIP(%rsp)
    pushq (TF_RBP + 8)(%rsp)
    mov %rsp, %rbp
    lea 16(%rsp), %rdi
    call x86_trap
    add $16, %rsp
    POP_GPRS
    add $16, %rsp                       // vector, error code
    iretq

// Restores the TrapFrame at %rsp and returns to user mode with IRETQ. Interrupts are
// off and the frame has been vetted by prepare_return_to_user().
.globl x86_return_to_user
x86_return_to_user:
    POP_GPRS
    add $16, %rsp
    swapgs
    iretq

// x86_enter_user(TrapFrame* frame): [[noreturn]], frame at the top of the kernel stack.
.globl x86_enter_user
x86_enter_user:
    mov %rdi, %rsp
    jmp x86_return_to_user
