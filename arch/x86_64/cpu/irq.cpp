// Interrupt-flag control and halting.
#include <arch/interface.h>
#include <arch/x86/cpu.h>
#include <arch/x86/percpu.h>

namespace arch {
IrqState irq_save() {
    u64 flags;
    asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return flags & x86::kRflagsIf;
}
void irq_restore(IrqState s) {
    if (s & x86::kRflagsIf) asm volatile("sti" : : : "memory");
}
void cpu_relax() { asm volatile("pause" : : : "memory"); }
void irq_enable() { asm volatile("sti" : : : "memory"); }
void irq_disable() { asm volatile("cli" : : : "memory"); }

// STI delays interrupts by one instruction, so no interrupt can slip in between it
// and HLT. Returns with interrupts enabled.
void wait_for_interrupt() { asm volatile("sti; hlt" : : : "memory"); }

// The PerCpu area at GS holds it; GS_BASE points there from the first instruction of
// x86_boot_main on (percpu_early_init).
void set_cpu_local(void* cpu) { asm volatile("movq %0, %%gs:%c1" ::"r"(cpu), "i"(PERCPU_KERNEL_CPU) : "memory"); }
void* cpu_local() {
    void* p;
    asm volatile("movq %%gs:%c1, %0" : "=r"(p) : "i"(PERCPU_KERNEL_CPU));
    return p;
}

void halt_forever() {
    for (;;) asm volatile("cli; hlt");
}
} // namespace arch
