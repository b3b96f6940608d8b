// SYSCALL entry. The CPU left the user RIP in %rcx and RFLAGS in %r11, masked RFLAGS
// with FMASK (IF, TF, DF, AC... are now clear) and did not switch stacks: switch to
// the thread's kernel stack from the per-CPU area, build an arch::TrapFrame at its top
// (the same place as an interrupt from user mode) and call x86_syscall(frame).
#include <arch/x86/entry_macros.h>

.text
.globl x86_syscall_entry
x86_syscall_entry:
    swapgs
    mov %rsp, %gs:PERCPU_USER_RSP
    mov %gs:PERCPU_KERNEL_RSP, %rsp
    pushq $SEL_USER_DS                  // ss
    pushq %gs:PERCPU_USER_RSP           // rsp
    pushq %r11                          // rflags
    pushq $SEL_USER_CS                  // cs
    pushq %rcx                          // rip
    pushq %rax                          // error_code slot: the syscall number (orig_rax)
    pushq $SYSCALL_VECTOR
    PUSH_GPRS
    xor %ebp, %ebp                      // the backtrace ends here
    mov %rsp, %rdi
    call x86_syscall                    // interrupts are off when it returns
    test %al, %al
    jz x86_return_to_user               // IRET: the frame is beyond what SYSRET restores
    // SYSRET: x86_syscall checked rcx == rip, r11 == rflags and a canonical rip.
    POP_GPRS
    mov (TF_RSP - TF_VECTOR)(%rsp), %rsp
    swapgs
    sysretq
