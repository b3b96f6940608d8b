// The other CPUs (application processors): found in the ACPI MADT, started with
// INIT-SIPI-SIPI (Intel SDM vol. 3, 9.4 "Multiple-Processor Initialization"), and
// interrupted with fixed IPIs through the local APIC. TLB shootdowns: user_root.cpp.
#include <arch/pte.h>
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <arch/x86/percpu.h>
#include <kernel/entry.h>
#include <kernel/log.h>
#include <lib/string.h>

extern "C" char x86_ap_trampoline[], x86_ap_trampoline_end[];
extern "C" u64 x86_ap_param_cr3, x86_ap_param_efer, x86_ap_param_stack, x86_ap_param_entry, x86_ap_param_arg;

namespace arch::x86 {
namespace {
// Below 1 MiB (a STARTUP IPI names a page there), in conventional memory the frame
// allocator never hands out (boot/boot.cpp keeps the first MiB) and after the
// Multiboot data that QEMU leaves near 0x9000 has been read: the code page, then a
// PML4, PDPT and page directory (which must lie below 4 GiB: the trampoline loads CR3
// in 32-bit mode).
constexpr PhysAddr kApTrampoline = 0x70000;
constexpr PhysAddr kApPml4 = kApTrampoline + 0x1000, kApPdpt = kApTrampoline + 0x2000,
                   kApPd = kApTrampoline + 0x3000;

u32 g_apic_ids[kMaxCpus]; // by CPU number; [0] is the boot CPU
unsigned g_cpu_count = 1;
unsigned g_started = 1;   // CPUs that arrived
void* g_kernel_cpu[kMaxCpus]; // what start_cpu was given, for the CPU to set itself
bool g_arrived[kMaxCpus];     // atomic: set by the CPU as its first act in C++

template <typename T>
T* phys(PhysAddr p) { return reinterpret_cast<T*>(kDirectMapBase + p); }

void delay_us(u64 us) {
    u64 t0 = rdtsc(), wait = tsc_hz() / 1000000 * us;
    while (rdtsc() - t0 < wait) pause();
}

// The page where the trampoline runs, and the tables it turns paging on with: the
// first 2 MiB identity-mapped (it runs there until it jumps high), the kernel half as
// in the kernel's own PML4.
void prepare_trampoline() {
    size_t size = size_t(x86_ap_trampoline_end - x86_ap_trampoline);
    memcpy(phys<u8>(kApTrampoline), x86_ap_trampoline, size);
    u64* pml4 = phys<u64>(kApPml4);
    memset(pml4, 0, kPageSize);
    memcpy(pml4 + 256, phys<u64>(g_kernel_root) + 256, 256 * sizeof(u64));
    pml4[0] = kApPdpt | pte::kPresent | pte::kWritable;
    u64* pdpt = phys<u64>(kApPdpt);
    memset(pdpt, 0, kPageSize);
    pdpt[0] = kApPd | pte::kPresent | pte::kWritable;
    u64* pd = phys<u64>(kApPd);
    memset(pd, 0, kPageSize);
    pd[0] = 0 | pte::kPresent | pte::kWritable | pte::kHuge;
}

// The parameters live in the copied page, at the same offsets as in the image.
u64& param(u64& in_image) {
    return *phys<u64>(kApTrampoline + (reinterpret_cast<char*>(&in_image) - x86_ap_trampoline));
}
} // namespace

u32 apic_id_of(unsigned index) { return index < g_cpu_count ? g_apic_ids[index] : lapic_id(); }
unsigned started_cpus() { return g_started; }

// The first C++ on an application processor, on the stack start_cpu gave it, with the
// trampoline's page tables still loaded.
extern "C" [[noreturn]] void x86_ap_entry(u64 index) {
    write_cr3(g_kernel_root);
    if (g_features.pge) write_cr4(read_cr4() | kCr4Pge);
    percpu_early_init(unsigned(index));
    set_cpu_local(g_kernel_cpu[index]); // before anything takes a lock (kernel::this_cpu)
    __atomic_store_n(&g_arrived[index], true, __ATOMIC_RELEASE);
    gdt_init(unsigned(index));
    idt_load();
    syscall_init();
    enable_cpu_features();
    lapic_init();
    lapic_start_timer_ap(); // fires once the CPU enables interrupts
    kernel::secondary_main();
}
} // namespace arch::x86

namespace arch {
using namespace x86;

unsigned discover_cpus(unsigned max) {
    u32 ids[kMaxCpus];
    size_t n = acpi_local_apics(ids, kMaxCpus);
    u32 boot = lapic_id();
    g_apic_ids[0] = boot;
    g_cpu_count = 1;
    for (size_t i = 0; i < n && g_cpu_count < max && g_cpu_count < kMaxCpus; i++)
        if (ids[i] != boot) g_apic_ids[g_cpu_count++] = ids[i];
    if (!n) log_info("x86: no ACPI MADT: one CPU");
    return g_cpu_count;
}

bool start_cpu(unsigned index, void* cpu, uptr stack_top) {
    if (index == 0 || index >= g_cpu_count) return false;
    prepare_trampoline();
    g_kernel_cpu[index] = cpu;
    param(x86_ap_param_cr3) = kApPml4;
    param(x86_ap_param_efer) = kEferLme | (g_features.nx ? kEferNxe : 0);
    param(x86_ap_param_stack) = stack_top;
    param(x86_ap_param_entry) = uptr(x86_ap_entry);
    param(x86_ap_param_arg) = index;
    asm volatile("mfence" ::: "memory");
    u32 apic = g_apic_ids[index];
    constexpr u32 kInit = 0x4500, kStartup = 0x4600; // level assert; delivery mode INIT / STARTUP
    lapic_send_ipi(apic, kInit);
    delay_us(10000);
    for (int attempt = 0; attempt < 2; attempt++) { // the SDM's second STARTUP IPI, if needed
        lapic_send_ipi(apic, kStartup | u32(kApTrampoline >> 12));
        for (int i = 0; i < 1000 && !__atomic_load_n(&g_arrived[index], __ATOMIC_ACQUIRE); i++) delay_us(200);
        if (__atomic_load_n(&g_arrived[index], __ATOMIC_ACQUIRE)) {
            g_started = index + 1; // started in order, each once the one before arrived
            return true;
        }
    }
    return false;
}

void send_ipi(unsigned index) {
    if (index < g_cpu_count) lapic_send_ipi(g_apic_ids[index], 0x4000 | kVectorIpi);
}
} // namespace arch
