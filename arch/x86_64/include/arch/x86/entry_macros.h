// Assembly macros shared by the kernel entry paths (cpu/vectors.S, syscall/entry.S).
// Include from .S files only.
#pragma once
#include <arch/x86/layout.h>

// Pushes the GPRs in the order of arch::TrapFrame (rax first, so r15 ends lowest).
.macro PUSH_GPRS
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro POP_GPRS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
.endm

// STAC/CLAC are #UD on CPUs without SMAP: guard them with the flag features.cpp sets.
.macro STAC_IF_SMAP
    testb $1, x86_smap_enabled(%rip)
    jz 1f
    stac
1:
.endm
.macro CLAC_IF_SMAP
    testb $1, x86_smap_enabled(%rip)
    jz 1f
    clac
1:
.endm
