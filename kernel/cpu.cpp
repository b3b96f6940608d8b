#include <arch/interface.h>
#include <kernel/cpu.h>
#include <kernel/smp.h>

namespace kernel {
namespace {
Cpu g_cpus[smp::kMaxCpus];
} // namespace

Cpu& this_cpu() {
    void* p = arch::cpu_local();
    return p ? *static_cast<Cpu*>(p) : g_cpus[0];
}

void cpu_init_boot() {
    g_cpus[0].id = 0;
    arch::set_cpu_local(&g_cpus[0]);
}

Cpu& cpu_slot(unsigned index) { return g_cpus[index]; }
} // namespace kernel
