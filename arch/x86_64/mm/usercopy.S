// Fault-tolerant copies to and from user memory (arch/interface.h). The caller has
// checked that the user range lies below kUserTop. SMAP is lifted (STAC) only around
// the accesses. Each routine lists the instructions that may fault in the
// .usercopy_fixups table {start, end, fixup}; when a page fault there cannot be
// resolved, cpu/traps.cpp resumes at the fixup, which fails the copy. The routines
// are leaves that push nothing, so the fixup can simply return.
#include <arch/x86/entry_macros.h>

.macro FIXUP start, end, target
    .pushsection .usercopy_fixups, "a"
    .balign 8
    .quad \start, \end, \target
    .popsection
.endm

.text
// bool x86_copy_user(void* dst, const void* src, size_t n): either side may be user.
.globl x86_copy_user
x86_copy_user:
    mov %rdx, %rcx
    STAC_IF_SMAP
.Lcopy_start:
    rep movsb
.Lcopy_end:
    CLAC_IF_SMAP
    mov $1, %eax
    ret
.Lcopy_fault:
    CLAC_IF_SMAP
    xor %eax, %eax
    ret
FIXUP .Lcopy_start, .Lcopy_end, .Lcopy_fault

// bool x86_clear_user(void* dst, size_t n)
.globl x86_clear_user
x86_clear_user:
    mov %rsi, %rcx
    xor %eax, %eax
    STAC_IF_SMAP
.Lclear_start:
    rep stosb
.Lclear_end:
    CLAC_IF_SMAP
    mov $1, %eax
    ret
.Lclear_fault:
    CLAC_IF_SMAP
    xor %eax, %eax
    ret
FIXUP .Lclear_start, .Lclear_end, .Lclear_fault

// isize x86_strncpy_from_user(char* dst, const char* src, size_t max): length without
// the NUL; max if no NUL within max bytes; -1 on a fault.
.globl x86_strncpy_from_user
x86_strncpy_from_user:
    xor %eax, %eax
    test %rdx, %rdx
    jz 3f
    STAC_IF_SMAP
.Lstr_start:
2:  movb (%rsi, %rax), %cl
.Lstr_end:
    movb %cl, (%rdi, %rax)
    test %cl, %cl
    jz 4f
    inc %rax
    cmp %rdx, %rax
    jb 2b
4:  CLAC_IF_SMAP
3:  ret
.Lstr_fault:
    CLAC_IF_SMAP
    mov $-1, %rax
    ret
FIXUP .Lstr_start, .Lstr_end, .Lstr_fault
