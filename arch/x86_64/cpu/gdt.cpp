// GDT, TSS and the per-CPU area.
//
// The GDT follows Linux's layout (arch/x86/include/asm/segment.h) so that the
// selectors user space sees (sigcontext cs/ss, `mov %cs`) are Linux's: user CS 0x33,
// user SS 0x2b. The TSS provides rsp0 (the kernel stack for interrupts from user mode)
// and the IST stacks for exceptions that must not trust the current stack.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <arch/x86/percpu.h>

namespace arch::x86 {
PerCpu g_percpu[kMaxCpus];

namespace {
struct LV_PACKED Tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iopb_offset;
};
static_assert(sizeof(Tss) == 104);

struct LV_PACKED DescriptorPointer {
    u16 limit;
    u64 base;
};

// IST slots, as used by cpu/idt.cpp (1-based in the IDT, 0-based here).
constexpr size_t kIstStackSize = 16 * 1024;
constexpr u64 kGdtTemplate[10] = {
    0,
    0x00cf9b000000ffff, // 0x08 kernel code, 32-bit (unused, keeps Linux's numbering)
    0x00af9b000000ffff, // 0x10 kernel code, 64-bit
    0x00cf93000000ffff, // 0x18 kernel data
    0x00cffb000000ffff, // 0x23 user code, 32-bit (STAR base for SYSRET)
    0x00cff3000000ffff, // 0x2b user data
    0x00affb000000ffff, // 0x33 user code, 64-bit
    0,
    0, 0,               // 0x40 TSS (16 bytes), filled in below
};

// Each CPU's GDT (its TSS descriptor differs), TSS and IST stacks.
struct CpuTables {
    alignas(16) u8 ist_stacks[4][kIstStackSize];
    Tss tss;
    u64 gdt[10];
};
CpuTables g_tables[kMaxCpus];

void set_tss_descriptor(CpuTables& t) {
    u64 base = uptr(&t.tss);
    u64 limit = sizeof(Tss) - 1;
    t.gdt[8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) // present, 64-bit TSS
               | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    t.gdt[9] = base >> 32;
}
} // namespace

void percpu_early_init(unsigned index) {
    PerCpu& p = g_percpu[index];
    p.self = &p;
    p.index = index;
    wrmsr(kMsrGsBase, uptr(&p));
}

void gdt_init(unsigned index) {
    CpuTables& t = g_tables[index];
    for (int i = 0; i < 10; i++) t.gdt[i] = kGdtTemplate[i];
    for (int i = 0; i < 4; i++) t.tss.ist[i] = uptr(t.ist_stacks[i]) + kIstStackSize;
    t.tss.iopb_offset = sizeof(Tss); // no I/O bitmap: every port access from ring 3 faults
    set_tss_descriptor(t);

    DescriptorPointer gdtr {sizeof(t.gdt) - 1, uptr(t.gdt)};
    asm volatile(
        "lgdt %0\n"
        "pushq %1\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1:\n"
        "mov %2, %%ds\n"
        "mov %2, %%es\n"
        "mov %2, %%ss\n"
        "mov %3, %%fs\n"
        "mov %3, %%gs\n"
        "ltr %w4\n"
        :
        : "m"(gdtr), "i"(SEL_KERNEL_CS), "r"(SEL_KERNEL_DS), "r"(0), "r"(SEL_TSS)
        : "rax", "memory");
    // Loading %gs cleared its base: point it at the per-CPU area now.
    percpu_early_init(index);
    wrmsr(kMsrKernelGsBase, 0);
}

void tss_set_kernel_stack(uptr top) {
    PerCpu& p = this_percpu();
    g_tables[p.index].tss.rsp[0] = top;
    p.kernel_rsp = top;
}
} // namespace arch::x86
