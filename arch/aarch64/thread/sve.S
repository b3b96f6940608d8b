// SVE register state: save, load and flush at the current vector length (ZCR_EL1.LEN).
// Buffer layout, Linux's SVE signal-frame register block (uapi asm/sigcontext.h, from
// SVE_SIG_REGS_OFFSET): Z0-Z31 at n * VL, then P0-P15 at 32 * VL + n * VL/8, then FFR
// at 32 * VL + 16 * VL/8. Only called when the CPU has SVE and CPACR_EL1.ZEN lets EL1
// use it (cpu/sve.cpp).
    .arch armv8.2-a+sve
    .text

// void aarch64_sve_save(u8* buf)
    .globl aarch64_sve_save
aarch64_sve_save:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    str     z\n, [x0, #\n, mul vl]
    .endr
    addvl   x1, x0, #16
    addvl   x1, x1, #16                 // the predicates, after the 32 vectors
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    str     p\n, [x1, #\n, mul vl]
    .endr
    rdffr   p0.b                        // FFR goes through p0, saved above
    str     p0, [x1, #16, mul vl]
    ldr     p0, [x1, #0, mul vl]
    ret

// void aarch64_sve_load(const u8* buf)
    .globl aarch64_sve_load
aarch64_sve_load:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    ldr     z\n, [x0, #\n, mul vl]
    .endr
    addvl   x1, x0, #16
    addvl   x1, x1, #16
    ldr     p0, [x1, #16, mul vl]
    wrffr   p0.b
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    ldr     p\n, [x1, #\n, mul vl]
    .endr
    ret

// void aarch64_sve_flush_live(): what a system call does to SVE state (Linux's
// sve_flush_live): V0-V31 keep their values, the rest of Z0-Z31, P0-P15 and FFR become
// zero. An Advanced SIMD write to Vn zeroes Zn above bit 127.
    .globl aarch64_sve_flush_live
aarch64_sve_flush_live:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    mov     v\n\().16b, v\n\().16b
    .endr
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    pfalse  p\n\().b
    .endr
    wrffr   p0.b
    ret

// u64 aarch64_sve_rdvl(): the current vector length in bytes.
    .globl aarch64_sve_rdvl
aarch64_sve_rdvl:
    rdvl    x0, #1
    ret
