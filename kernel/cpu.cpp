#include <arch/interface.h>
#include <kernel/cpu.h>

namespace kernel {
namespace {
Cpu g_boot_cpu;
} // namespace

Cpu& this_cpu() {
    void* p = arch::cpu_local();
    return p ? *static_cast<Cpu*>(p) : g_boot_cpu;
}

void cpu_init_boot() {
    g_boot_cpu.id = 0;
    arch::set_cpu_local(&g_boot_cpu);
}
} // namespace kernel
