// System register access. Registers newer than ARMv8.0 are named by their encoding
// (S<op0>_<op1>_C<n>_C<m>_<op2>) so the assembler accepts them with -march=armv8-a.
#pragma once
#include <lib/types.h>

#define LV_SYSREG_STR(x) #x
#define LV_SYSREG_XSTR(x) LV_SYSREG_STR(x) // expands SYS_* names first
#define LV_READ_SYSREG(reg)                                     \
    ({                                                          \
        u64 v_;                                                 \
        asm volatile("mrs %0, " LV_SYSREG_XSTR(reg) : "=r"(v_)::"memory");      \
        v_;                                                     \
    })
#define LV_WRITE_SYSREG(reg, v) asm volatile("msr " LV_SYSREG_XSTR(reg) ", %0" ::"r"(u64(v)) : "memory")

#define SYS_ID_AA64ISAR2_EL1 S3_0_C0_C6_2
#define SYS_ID_AA64MMFR2_EL1 S3_0_C0_C7_2
#define SYS_RNDR S3_3_C2_C4_0
#define SYS_ICC_PMR_EL1 S3_0_C4_C6_0
#define SYS_ICC_SGI1R_EL1 S3_0_C12_C11_5
#define SYS_ICC_IAR1_EL1 S3_0_C12_C12_0
#define SYS_ICC_EOIR1_EL1 S3_0_C12_C12_1
#define SYS_ICC_BPR1_EL1 S3_0_C12_C12_3
#define SYS_ICC_CTLR_EL1 S3_0_C12_C12_4
#define SYS_ICC_SRE_EL1 S3_0_C12_C12_5
#define SYS_ICC_IGRPEN1_EL1 S3_0_C12_C12_7

namespace arch::sysreg {
// A 4-bit ID register field; `signed_field` for the FP/AdvSIMD style where 0xf means
// "not implemented" (Arm ARM D19.1.3, "principles of the ID scheme").
inline int id_field(u64 reg, unsigned shift, bool signed_field = false) {
    int v = int((reg >> shift) & 0xf);
    return signed_field && v >= 8 ? v - 16 : v;
}
inline void isb() { asm volatile("isb" ::: "memory"); }
} // namespace arch::sysreg
