// Interrupt-flag control and halting.
#include <arch/interface.h>
#include <arch/x86/cpu.h>

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

void halt_forever() {
    for (;;) asm volatile("cli; hlt");
}
} // namespace arch
