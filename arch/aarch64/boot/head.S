// Kernel entry. The boot loader (QEMU -kernel, U-Boot, ...) jumps to the first byte of
// the Image with the MMU off, x0 = physical address of the DTB, at EL2 or EL1
// (Documentation/arch/arm64/booting.rst). We run position-independently at the load
// address until the MMU is on (adr/adrp only, no absolute addresses), then branch to
// the link address in the higher half. See arch/aarch64/README.md for the memory map.

#define SCTLR_EL1_MMU_OFF 0x30d00800 // RES1 bits of ARMv8.0, little-endian, MMU/caches off

// Turns the MMU on with these translation registers, both CPUs' way (primary_entry,
// aarch64_secondary_entry): the old TLB contents dropped first, the instruction cache
// after.
.macro enable_mmu mair, tcr, ttbr0, ttbr1, sctlr
    msr     mair_el1, \mair
    msr     tcr_el1, \tcr
    msr     ttbr0_el1, \ttbr0
    msr     ttbr1_el1, \ttbr1
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    msr     sctlr_el1, \sctlr      // MMU and caches on
    isb
    ic      iallu
    dsb     nsh
    isb
.endm

    .section .text.head, "ax"
    .globl _start
_start:
    // The arm64 Image header (64 bytes).
    b       primary_entry           // code0
    .long   0                       // code1
    .quad   0                       // text_offset: load at a 2 MiB-aligned base
    .quad   __image_size            // image_size, including .bss: what the loader must keep free
    .quad   0xa                     // flags: little-endian, 4 KiB pages, placement anywhere
    .quad   0, 0, 0                 // res2-res4
    .ascii  "ARM\x64"               // magic
    .long   0                       // res5 (PE header offset: no EFI stub)

    .section .text.boot, "ax"
primary_entry:
    mov     x19, x0                 // x19: DTB physical address (kept until boot_main)
    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    1f
    bl      el2_to_el1
1:  msr     daifset, #0xf
    ldr     x0, =SCTLR_EL1_MMU_OFF
    msr     sctlr_el1, x0
    isb
    // FP/SIMD on at EL0 and EL1 (CPACR_EL1.FPEN = 0b11): user programs use it and
    // thread/switch.S saves it. The kernel's own code never does (-mgeneral-regs-only).
    mov     x0, #(3 << 20)
    msr     cpacr_el1, x0
    mrs     x20, cntvct_el0         // x20: counter at entry, for BootInfo.boot_start_ns
    adrp    x21, __image_start      // x21: physical load address

    adrp    x0, boot_stack_top
    add     x0, x0, :lo12:boot_stack_top
    mov     sp, x0
    mov     x29, xzr
    sub     sp, sp, #32             // struct EarlyMmu (boot/early_pgtable.h)
    mov     x0, x21
    mov     x1, x19
    mov     x2, sp
    bl      aarch64_early_pgtables
    ldp     x0, x1, [sp]            // ttbr0 (identity map), ttbr1 (kernel)
    ldp     x2, x3, [sp, #16]       // tcr, sctlr
    ldr     x4, =0x04ff             // MAIR: attr0 normal write-back, attr1 Device-nGnRE
    enable_mmu x4, x2, x0, x1, x3
    ldr     x0, =high_entry         // the link address: TTBR1
    br      x0

high_entry:
    adrp    x0, boot_stack_top      // now PC-relative to the high mapping
    add     x0, x0, :lo12:boot_stack_top
    mov     sp, x0
    // Clear .bss (nothing in it is used before this point).
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
2:  cmp     x0, x1
    b.hs    3f
    stp     xzr, xzr, [x0], #16
    b       2b
3:  adrp    x0, aarch64_vectors
    add     x0, x0, :lo12:aarch64_vectors
    msr     vbar_el1, x0
    adrp    x0, aarch64_percpu      // the boot CPU's per-CPU data (cpu/percpu.h), no
    add     x0, x0, :lo12:aarch64_percpu // arch::cpu_local yet (.bss is zero)
    msr     tpidr_el1, x0
    isb
    mov     x29, xzr                // the end of every backtrace
    mov     x30, xzr
    mov     x0, x19
    mov     x1, x21
    mov     x2, x20
    bl      aarch64_boot_main
4:  wfi
    b       4b

// Another CPU, started by PSCI CPU_ON (cpu/smp.cpp) with the MMU off, at EL2 or EL1,
// x0 = the physical address of a struct SecondaryBoot (cpu/smp.cpp: the boot CPU's
// MAIR/TCR/SCTLR/CPACR, TTBR0 = identity_root() which maps this code, TTBR1 = the
// kernel, then the stack, the CPU's PerCpu and its index). Turns the MMU on
// as primary_entry did, moves to the link address and calls aarch64_secondary_main.
    .globl aarch64_secondary_entry
aarch64_secondary_entry:
    mov     x19, x0                 // x19: SecondaryBoot (physical)
    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    1f
    bl      el2_to_el1
1:  msr     daifset, #0xf
    msr     spsel, #1
    ldr     x0, =SCTLR_EL1_MMU_OFF
    msr     sctlr_el1, x0
    isb
    // Read with the MMU off, i.e. uncached: the boot CPU cleaned it to memory.
    ldp     x0, x1, [x19, #0]       // mair, tcr
    ldp     x2, x3, [x19, #16]      // ttbr0, ttbr1
    ldp     x4, x5, [x19, #32]      // sctlr, cpacr
    ldp     x20, x21, [x19, #48]    // stack top, PerCpu (kernel addresses)
    ldr     x22, [x19, #64]         // index
    msr     cpacr_el1, x5
    enable_mmu x0, x1, x2, x3, x4
    ldr     x0, =secondary_high     // the link address: TTBR1
    br      x0

secondary_high:
    mov     sp, x20
    msr     tpidr_el1, x21          // its PerCpu (cpu/percpu.h)
    adrp    x0, aarch64_vectors
    add     x0, x0, :lo12:aarch64_vectors
    msr     vbar_el1, x0
    isb
    mov     x29, xzr                // the end of every backtrace
    mov     x30, xzr
    mov     x0, x22
    bl      aarch64_secondary_main  // does not return
2:  wfi
    b       2b

// Entered at EL2 (QEMU -M virt,virtualization=on): configure EL2 so that it stays out
// of the way, then continue at EL1 with the same x30.
el2_to_el1:
    mov     x0, #(1 << 31)          // HCR_EL2.RW: EL1 is AArch64; nothing trapped
    msr     hcr_el2, x0
    mrs     x0, cnthctl_el2
    orr     x0, x0, #3              // EL1PCTEN | EL1PCEN: EL1 may use the physical timer
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr        // virtual counter == physical counter
    mrs     x0, id_aa64pfr0_el1
    ubfx    x0, x0, #24, #4         // GIC system register interface present?
    cbz     x0, 1f
    mrs     x0, s3_4_c12_c9_5       // ICC_SRE_EL2
    mov     x1, #0x9                // Enable (EL1 may use ICC_SRE_EL1) | SRE
    orr     x0, x0, x1
    msr     s3_4_c12_c9_5, x0
    isb
1:  mov     x0, #0x33ff             // CPTR_EL2: no FP/SIMD traps
    msr     cptr_el2, x0
    msr     hstr_el2, xzr
    mrs     x0, midr_el1
    msr     vpidr_el2, x0
    mrs     x0, mpidr_el1
    msr     vmpidr_el2, x0
    msr     vttbr_el2, xzr
    ldr     x0, =SCTLR_EL1_MMU_OFF
    msr     sctlr_el1, x0
    mov     x0, #0x3c5              // EL1h, D/A/I/F masked
    msr     spsr_el2, x0
    adr     x0, 2f
    msr     elr_el2, x0
    eret
2:  ret

    .section .boot_stack, "aw", %nobits
    .balign 32768 // as every kernel stack (mm/kernel_stack.h): the overflow check needs it
    .globl boot_stack_bottom
boot_stack_bottom:
    .space  16384
    .globl boot_stack_top
boot_stack_top:
