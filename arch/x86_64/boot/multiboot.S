// Multiboot 1 entry: 32-bit protected mode -> long mode -> higher half.
//
// The loader (QEMU -kernel, GRUB) enters at multiboot_entry in 32-bit protected mode
// with paging off, EAX = 0x2BADB002 and EBX = the physical address of the Multiboot
// information. This code runs at its physical address (section .boot, linked there);
// kernel symbols are reached as (symbol - KERNEL_BASE). It builds throw-away page
// tables mapping the first 4 GiB twice (identity, and at the direct-map base, so that
// C++ can read the Multiboot structures) and the first GiB at KERNEL_BASE, enters long
// mode and calls x86_boot_main(magic, info) on the boot stack. boot/paging.cpp then
// replaces these tables with the real ones.
#include <arch/x86/layout.h>

#define KERNEL_BASE 0xffffffff80000000
#define PHYS(sym) ((sym) - KERNEL_BASE)

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010003 // page-aligned modules, memory map, a.out kludge addresses
#define MB_BOOTLOADER_MAGIC 0x2badb002

.section .multiboot, "a"
.balign 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long multiboot_header          // header_addr
    .long __kernel_phys_start       // load_addr
    .long __kernel_load_end_phys    // load_end_addr
    .long __kernel_bss_end_phys     // bss_end_addr
    .long multiboot_entry           // entry_addr

.section .boot.text, "ax"
.code32
.globl multiboot_entry
multiboot_entry:
    cli
    cld
    mov %eax, %edi                  // magic
    mov %ebx, %esi                  // Multiboot info (physical)
    // The boot stopwatch: the TSC is the monotonic clock once calibrated.
    rdtsc
    mov %eax, PHYS(x86_boot_tsc)
    mov %edx, PHYS(x86_boot_tsc) + 4

    cmp $MB_BOOTLOADER_MAGIC, %edi
    jne .Lnot_multiboot
    mov $0x80000000, %eax           // long mode supported?
    cpuid
    cmp $0x80000001, %eax
    jb .Lno_long_mode
    mov $0x80000001, %eax
    cpuid
    test $(1 << 29), %edx
    jz .Lno_long_mode
    mov %edx, %ebp                  // keep the NX bit (20) for EFER below

    // Zero .bss (the loader should have, but it holds the page tables and the stack).
    push %edi
    mov $PHYS(__bss_start), %edi
    mov $PHYS(__bss_end), %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl
    pop %edi

    // PML4[0] and PML4[256] -> boot_pdpt_low (identity and direct map of 0..4 GiB),
    // PML4[511] -> boot_pdpt_high, whose entry 510 maps KERNEL_BASE.. to 0..1 GiB.
    mov $PHYS(boot_pdpt_low) + 3, %eax
    mov %eax, PHYS(boot_pml4)
    mov %eax, PHYS(boot_pml4) + 256 * 8
    mov $PHYS(boot_pdpt_high) + 3, %eax
    mov %eax, PHYS(boot_pml4) + 511 * 8
    mov $PHYS(boot_pd) + 3, %eax
    mov %eax, PHYS(boot_pdpt_high) + 510 * 8
    xor %ecx, %ecx
1:  mov %eax, PHYS(boot_pdpt_low)(, %ecx, 8)
    add $4096, %eax
    inc %ecx
    cmp $4, %ecx
    jne 1b
    // 2048 2 MiB pages: present | writable | PS.
    mov $0x83, %eax
    xor %ecx, %ecx
2:  mov %eax, PHYS(boot_pd)(, %ecx, 8)
    add $0x200000, %eax
    inc %ecx
    cmp $2048, %ecx
    jne 2b

    mov %cr4, %eax
    or $(1 << 5), %eax              // PAE
    mov %eax, %cr4
    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx           // EFER: long mode, and NX if the CPU has it
    rdmsr
    or $(1 << 8), %eax
    test $(1 << 20), %ebp
    jz 3f
    or $(1 << 11), %eax
3:  wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax            // PG | WP | PE
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $.Llong_mode

.Lnot_multiboot:
    mov $msg_not_multiboot, %esi
    jmp .Lfail
.Lno_long_mode:
    mov $msg_no_long_mode, %esi
.Lfail:
    // COM1, polled; the UART is not set up but QEMU's ignores the line settings.
    mov $0x3f8, %dx
4:  lodsb
    test %al, %al
    jz 5f
    out %al, %dx
    jmp 4b
5:  cli
    hlt
    jmp 5b

.code64
.Llong_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp                  // terminates backtraces
    // x86_boot_main(magic, info): edi and esi are already there. A zero return
    // address (instead of a call from this low, soon unmapped code) ends backtraces.
    movabs $x86_boot_main, %rax
    pushq $0
    jmp *%rax

.section .boot.data, "a"
msg_not_multiboot:
    .asciz "LevitateOS: not started by a Multiboot loader\r\n"
msg_no_long_mode:
    .asciz "LevitateOS: this CPU has no long mode (x86_64)\r\n"
.balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        // 0x08: 64-bit code
    .quad 0x00cf92000000ffff        // 0x10: data
boot_gdt_ptr:
    .word boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt

.section .bss
.balign 4096
boot_pml4: .skip 4096
boot_pdpt_low: .skip 4096
boot_pdpt_high: .skip 4096
boot_pd: .skip 4 * 4096
.balign 16
boot_stack: .skip 64 * 1024
.globl boot_stack_top
boot_stack_top:

.section .data
.balign 8
.globl x86_boot_tsc
x86_boot_tsc: .quad 0
