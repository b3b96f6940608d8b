// Where an application processor starts: the STARTUP IPI (cpu/smp.cpp) sends it to
// kApTrampoline (a page below 1 MiB) in real mode, with CS = kApTrampoline >> 4 and
// IP = 0. This code is copied there; it goes to protected mode, turns on PAE and long
// mode with the page tables cpu/smp.cpp built (an identity map of the first 2 MiB, and
// the kernel half), and jumps to x86_ap_entry's high address with the stack and
// argument it was given. Addresses are kApTrampoline + offsets in this blob.
#define AP_BASE 0x70000 // cpu/smp.cpp's kApTrampoline
#define AT(sym) (AP_BASE + ((sym) - x86_ap_trampoline))

    .section .rodata, "a"
    .balign 16
    .globl x86_ap_trampoline, x86_ap_trampoline_end
    .globl x86_ap_param_cr3, x86_ap_param_efer, x86_ap_param_stack, x86_ap_param_entry, x86_ap_param_arg
    .code16
x86_ap_trampoline:
    cli
    cld
    mov %cs, %ax
    mov %ax, %ds
    lgdtl (gdtr - x86_ap_trampoline)
    mov %cr0, %eax
    or $1, %eax                     // PE
    mov %eax, %cr0
    ljmpl $0x08, $AT(pm32)

    .code32
pm32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $(1 << 5), %eax              // PAE
    mov %eax, %cr4
    mov AT(x86_ap_param_cr3), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx           // EFER: LME, and NXE if the boot CPU has it
    rdmsr
    or AT(x86_ap_param_efer), %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax            // PG | WP | PE
    mov %eax, %cr0
    ljmp $0x18, $AT(lm64)

    .code64
lm64:
    xor %eax, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov AT(x86_ap_param_stack), %rsp
    mov AT(x86_ap_param_arg), %rdi
    mov AT(x86_ap_param_entry), %rax
    xor %ebp, %ebp                  // ends backtraces
    pushq $0
    jmp *%rax

    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff        // 0x08: 32-bit code
    .quad 0x00cf92000000ffff        // 0x10: data
    .quad 0x00af9a000000ffff        // 0x18: 64-bit code
gdtr:
    .word gdtr - gdt - 1
    .long AT(gdt)
    .balign 8
x86_ap_param_cr3: .quad 0
x86_ap_param_efer: .quad 0
x86_ap_param_stack: .quad 0
x86_ap_param_entry: .quad 0
x86_ap_param_arg: .quad 0
x86_ap_trampoline_end:
