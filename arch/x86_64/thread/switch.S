// Kernel context switch: save the callee-saved registers and the stack pointer of the
// current thread into *from (%rdi), load those of *to (%rsi), and return on the new
// stack. Layout: arch::Context {rsp, rbx, rbp, r12, r13, r14, r15}.
.text
.globl x86_context_switch
x86_context_switch:
    mov %rsp, 0(%rdi)
    mov %rbx, 8(%rdi)
    mov %rbp, 16(%rdi)
    mov %r12, 24(%rdi)
    mov %r13, 32(%rdi)
    mov %r14, 40(%rdi)
    mov %r15, 48(%rdi)
    mov 0(%rsi), %rsp
    mov 8(%rsi), %rbx
    mov 16(%rsi), %rbp
    mov 24(%rsi), %r12
    mov 32(%rsi), %r13
    mov 40(%rsi), %r14
    mov 48(%rsi), %r15
    ret

// First code of a new kernel thread (context_init put its address on the stack):
// entry in %r12, argument in %r13. rbp = 0 ends backtraces here.
.globl x86_thread_trampoline
x86_thread_trampoline:
    mov %r13, %rdi
    xor %ebp, %ebp
    call *%r12
    ud2                                 // entry must not return
