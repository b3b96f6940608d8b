// Other CPUs (arch/interface.h): found in the device tree's /cpus (boot/platform.cpp),
// started with PSCI CPU_ON at aarch64_secondary_entry (boot/head.S), interrupted with
// SGI gic::kIpiSgi.
#include "../boot/platform.h"
#include "../dev/psci.h"
#include "../dev/timer.h"
#include "../irq/gic.h"
#include "../mm/kernel_map.h"
#include "cpu.h"
#include "percpu.h"
#include "sysreg.h"
#include <arch/interface.h>
#include <kernel/entry.h>

extern "C" u8 aarch64_secondary_entry[];

namespace arch {
static_assert(kPerCpuSlots == Board::kMaxCpus);

namespace {
constexpr u64 kAffinityMask = 0xff00ffffffull; // Aff3 (39:32), Aff2-Aff0 (23:0)

// Index -> MPIDR affinity; 0 is the boot CPU. Written by discover_cpus before any
// other CPU starts.
u64 g_mpidr[Board::kMaxCpus];
unsigned g_count = 1;

// What aarch64_secondary_entry reads with the MMU off, at the physical address it gets
// as PSCI's context id. The layout is head.S's.
struct alignas(64) SecondaryBoot {
    u64 mair, tcr;
    u64 ttbr0, ttbr1;
    u64 sctlr, cpacr;
    u64 stack_top, percpu; // for SP and TPIDR_EL1
    u64 index;
};
static_assert(__builtin_offsetof(SecondaryBoot, ttbr0) == 16 && __builtin_offsetof(SecondaryBoot, sctlr) == 32);
static_assert(__builtin_offsetof(SecondaryBoot, stack_top) == 48 && __builtin_offsetof(SecondaryBoot, index) == 64);
// One for all: smp::init starts one CPU at a time and waits until it is online, long
// after it has read this.
SecondaryBoot g_secondary;

u64 this_mpidr() { return LV_READ_SYSREG(mpidr_el1) & kAffinityMask; }

// Writes [p, p + n) back to memory (to the point of coherency): a CPU whose MMU and
// caches are still off reads memory, not our caches.
void clean_to_poc(const void* p, u64 n) {
    u64 ctr = LV_READ_SYSREG(ctr_el0);
    u64 line = 4ull << ((ctr >> 16) & 0xf); // DminLine: log2 of words
    u64 a = reinterpret_cast<u64>(p) & ~(line - 1);
    for (; a < reinterpret_cast<u64>(p) + n; a += line) asm volatile("dc cvac, %0" ::"r"(a) : "memory");
    asm volatile("dsb sy" ::: "memory");
}
} // namespace

unsigned discover_cpus(unsigned max) {
    Board& pl = board();
    g_mpidr[0] = this_mpidr();
    g_count = 1;
    for (size_t i = 0; i < pl.cpu_count && g_count < max && g_count < Board::kMaxCpus; i++)
        if (pl.cpu_mpidr[i] != g_mpidr[0]) g_mpidr[g_count++] = pl.cpu_mpidr[i];
    return g_count;
}

bool start_cpu(unsigned index, void* cpu, uptr stack_top) {
    if (index == 0 || index >= g_count || !kmap::identity_root()) return false;
    // The boot CPU's MMU settings, as head.S left them; TTBR0 maps aarch64_secondary_entry
    // at its physical address for the instructions right after the MMU goes on.
    SecondaryBoot& b = g_secondary;
    b.mair = LV_READ_SYSREG(mair_el1);
    b.tcr = LV_READ_SYSREG(tcr_el1);
    b.ttbr0 = kmap::identity_root();
    b.ttbr1 = LV_READ_SYSREG(ttbr1_el1);
    b.sctlr = LV_READ_SYSREG(sctlr_el1);
    b.cpacr = LV_READ_SYSREG(cpacr_el1);
    b.stack_top = stack_top;
    percpu(index).kernel_cpu = cpu;
    b.percpu = reinterpret_cast<u64>(&percpu(index));
    b.index = index;
    clean_to_poc(&b, sizeof b);
    i64 r = psci::call(psci::kCpuOn, g_mpidr[index], kmap::image_phys(aarch64_secondary_entry),
                       kmap::image_phys(&b));
    return r == 0;
}

void send_ipi(unsigned index) {
    if (index < g_count) gic::send_sgi(index, g_mpidr[index], gic::kIpiSgi);
}
} // namespace arch

using namespace arch;

// The first C++ code on another CPU (from boot/head.S): MMU on, at the link address, on
// its idle thread's stack, with its PerCpu (so cpu_local()) and the exception vectors set.
extern "C" [[noreturn]] void aarch64_secondary_main(unsigned index) {
    // The identity map has done its job: an empty user half, as on the boot CPU
    // (kmap::drop_identity_map), and its global TLB entries gone (tlbi vmalle1).
    asm volatile("msr ttbr0_el1, %0; isb; tlbi vmalle1; dsb nsh; isb" ::"r"(kmap::empty_user_root())
                 : "memory");
    cpu::init_this_cpu();
    gic::init_cpu(index);
    timer::start_this_cpu();
    kernel::secondary_main();
}
