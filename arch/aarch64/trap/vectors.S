// Exception vectors (VBAR_EL1) and the register save/restore around every exception.
// The frame layout is arch::TrapFrame (include/arch/frame.h).

#define FRAME_SIZE 320
#define F_SP 248
#define F_ELR 256
#define F_ESR 272
#define F_RECORD 288

// Save x0-x30, the interrupted SP, ELR, SPSR and (for synchronous exceptions) ESR/FAR.
.macro save_frame el, sync
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    .if \el == 0
    mrs     x21, sp_el0
    .else
    add     x21, sp, #FRAME_SIZE
    .endif
    stp     x30, x21, [sp, #240]
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x22, x23, [sp, #F_ELR]
    .if \sync
    mrs     x24, esr_el1
    mrs     x25, far_el1
    stp     x24, x25, [sp, #F_ESR]
    .else
    stp     xzr, xzr, [sp, #F_ESR]
    .endif
    // Frame record for backtraces: from user mode the chain ends here; from the kernel
    // it continues at the interrupted function.
    .if \el == 0
    stp     xzr, xzr, [sp, #F_RECORD]
    mov     x29, xzr
    .else
    stp     x29, x22, [sp, #F_RECORD]
    add     x29, sp, #F_RECORD
    .endif
.endm

.macro restore_frame el
    ldp     x22, x23, [sp, #F_ELR]
    msr     elr_el1, x22
    msr     spsr_el1, x23
    .if \el == 0
    ldr     x21, [sp, #F_SP]
    msr     sp_el0, x21
    .endif
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    ldr     x30, [sp, #240]
    add     sp, sp, #FRAME_SIZE     // from EL0: SP_EL1 is the kernel stack top again
    eret
    sb_or_nops
.endm

// Speculation barrier after eret (nothing after it is ever meant to run).
.macro sb_or_nops
    dsb     nsh
    isb
.endm

.macro vector target
    .balign 0x80
    b       \target
.endm

    .text
    .balign 0x800
    .globl aarch64_vectors
aarch64_vectors:
    vector  el1t_bad                // current EL, SP_EL0: never used
    vector  el1t_bad
    vector  el1t_bad
    vector  el1t_bad
    vector  el1_sync                // current EL, SP_EL1
    vector  el1_irq
    vector  el1_bad                 // FIQ
    vector  el1_bad                 // SError
    vector  el0_sync                // lower EL, AArch64
    vector  el0_irq
    vector  el0_bad
    vector  el0_bad
    vector  el0_bad                 // lower EL, AArch32: never entered (no 32-bit EL0)
    vector  el0_bad
    vector  el0_bad
    vector  el0_bad

    .balign 16
el1_sync:
    // A kernel stack overflow (mm/kernel_stack.h): stacks are 16 KiB at 32 KiB-aligned
    // addresses with nothing mapped above them in the slot, so an SP whose bit 14 is set
    // is below the stack's base, in its guard. Saving a frame there would fault again,
    // for ever; test it first, without touching memory or losing a register (Linux's
    // kernel_ventry), and go to the overflow stack if so.
    sub     sp, sp, #FRAME_SIZE
    add     sp, sp, x0              // sp' = sp + x0
    sub     x0, sp, x0              // x0' = sp' - x0 = sp
    tbnz    x0, #14, el1_overflow
    sub     x0, sp, x0              // x0 = sp' - sp: the original x0
    sub     sp, sp, x0              // sp = sp' - x0
    add     sp, sp, #FRAME_SIZE     // save_frame makes its own room
    save_frame 1, 1
    mov     x0, sp
    bl      aarch64_el1_sync
    b       ret_to_kernel

el1_overflow:
    // Fatal: the registers a report needs go to the panic on a stack of its own.
    adrp    x1, overflow_stack_top
    add     x1, x1, :lo12:overflow_stack_top
    mov     sp, x1
    add     x2, x0, #FRAME_SIZE     // the SP that overflowed
    mrs     x0, elr_el1
    mrs     x1, far_el1
    mov     x3, x29
    bl      aarch64_stack_overflow  // does not return

el1_irq:
    save_frame 1, 0
    mov     x0, sp
    bl      aarch64_irq
    b       ret_to_kernel

el0_sync:
    save_frame 0, 1
    mov     x0, sp
    bl      aarch64_el0_sync
    b       ret_to_user

el0_irq:
    save_frame 0, 0
    mov     x0, sp
    bl      aarch64_irq
    b       ret_to_user

el1t_bad:
el1_bad:
    save_frame 1, 1
    mov     x0, sp
    bl      aarch64_bad_exception   // does not return

el0_bad:
    save_frame 0, 1
    mov     x0, sp
    bl      aarch64_bad_exception

ret_to_kernel:
    msr     daifset, #2
    restore_frame 1

// Every return to EL0 passes here: interrupts off, then the generic kernel's last word
// (signals, exit), then the registers of the frame at SP.
    .globl ret_to_user
ret_to_user:
    msr     daifset, #2
    mov     x0, sp
    bl      aarch64_before_user
    restore_frame 0

// [[noreturn]] void aarch64_enter_user(TrapFrame* f): f is at the top of the kernel stack.
    .globl aarch64_enter_user
aarch64_enter_user:
    msr     daifset, #2
    mov     sp, x0
    mov     x29, xzr
    b       ret_to_user

    .bss
    .balign 16
overflow_stack:
    .space  8192
overflow_stack_top:
