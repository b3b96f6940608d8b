// Kernel context switch and FP/SIMD state save/restore. Layouts: include/arch/context.h.

    .text
// void aarch64_context_switch(Context* from, Context* to)
// Saves the callee-saved registers, SP and the return address of the caller in *from
// and resumes *to where it called this function (or at its context_init entry).
    .globl aarch64_context_switch
aarch64_context_switch:
    mov     x9, sp
    stp     x19, x20, [x0, #0]
    stp     x21, x22, [x0, #16]
    stp     x23, x24, [x0, #32]
    stp     x25, x26, [x0, #48]
    stp     x27, x28, [x0, #64]
    stp     x29, x30, [x0, #80]
    str     x9, [x0, #96]
    ldp     x19, x20, [x1, #0]
    ldp     x21, x22, [x1, #16]
    ldp     x23, x24, [x1, #32]
    ldp     x25, x26, [x1, #48]
    ldp     x27, x28, [x1, #64]
    ldp     x29, x30, [x1, #80]
    ldr     x9, [x1, #96]
    mov     sp, x9
    ret

// First code of a new kernel thread (context_init): x19 = entry, x20 = argument.
    .globl aarch64_thread_start
aarch64_thread_start:
    mov     x0, x20
    mov     x29, xzr                // backtraces end here
    mov     x30, xzr
    blr     x19
    brk     #0x1                    // entry() must not return

// void aarch64_fpsimd_save(ThreadState* s): q0-q31, FPCR, FPSR, TPIDR_EL0.
    .globl aarch64_fpsimd_save
aarch64_fpsimd_save:
    stp     q0, q1, [x0, #32 * 0]
    stp     q2, q3, [x0, #32 * 1]
    stp     q4, q5, [x0, #32 * 2]
    stp     q6, q7, [x0, #32 * 3]
    stp     q8, q9, [x0, #32 * 4]
    stp     q10, q11, [x0, #32 * 5]
    stp     q12, q13, [x0, #32 * 6]
    stp     q14, q15, [x0, #32 * 7]
    stp     q16, q17, [x0, #32 * 8]
    stp     q18, q19, [x0, #32 * 9]
    stp     q20, q21, [x0, #32 * 10]
    stp     q22, q23, [x0, #32 * 11]
    stp     q24, q25, [x0, #32 * 12]
    stp     q26, q27, [x0, #32 * 13]
    stp     q28, q29, [x0, #32 * 14]
    stp     q30, q31, [x0, #32 * 15]
    mrs     x9, fpcr
    mrs     x10, fpsr
    str     x9, [x0, #512]
    str     x10, [x0, #520]
    mrs     x9, tpidr_el0
    str     x9, [x0, #528]
    ret

// void aarch64_fpsimd_load(const ThreadState* s)
    .globl aarch64_fpsimd_load
aarch64_fpsimd_load:
    ldp     q0, q1, [x0, #32 * 0]
    ldp     q2, q3, [x0, #32 * 1]
    ldp     q4, q5, [x0, #32 * 2]
    ldp     q6, q7, [x0, #32 * 3]
    ldp     q8, q9, [x0, #32 * 4]
    ldp     q10, q11, [x0, #32 * 5]
    ldp     q12, q13, [x0, #32 * 6]
    ldp     q14, q15, [x0, #32 * 7]
    ldp     q16, q17, [x0, #32 * 8]
    ldp     q18, q19, [x0, #32 * 9]
    ldp     q20, q21, [x0, #32 * 10]
    ldp     q22, q23, [x0, #32 * 11]
    ldp     q24, q25, [x0, #32 * 12]
    ldp     q26, q27, [x0, #32 * 13]
    ldp     q28, q29, [x0, #32 * 14]
    ldp     q30, q31, [x0, #32 * 15]
    ldr     x9, [x0, #512]
    ldr     x10, [x0, #520]
    msr     fpcr, x9
    msr     fpsr, x10
    ldr     x9, [x0, #528]
    msr     tpidr_el0, x9
    ret
