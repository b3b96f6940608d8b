// Interrupt masking and stopping the CPU (arch/interface.h, "CPU control").
#include <arch/interface.h>

namespace arch {
IrqState irq_save() {
    u64 daif;
    asm volatile("mrs %0, daif; msr daifset, #2" : "=r"(daif)::"memory");
    return daif;
}

void irq_restore(IrqState s) {
    // Only the I bit is ours to change; the others are never toggled by the kernel.
    if (!(s & (1 << 7))) asm volatile("msr daifclr, #2" ::: "memory");
    else asm volatile("msr daifset, #2" ::: "memory");
}

void cpu_relax() { asm volatile("yield" ::: "memory"); }

void irq_enable() { asm volatile("msr daifclr, #2" ::: "memory"); }
void irq_disable() { asm volatile("msr daifset, #2" ::: "memory"); }

void wait_for_interrupt() {
    // wfi wakes on a pending interrupt even while PSTATE.I masks it, so checking and
    // sleeping with interrupts masked and unmasking afterwards loses no wake-up.
    asm volatile("msr daifset, #2; dsb sy; wfi; msr daifclr, #2; isb" ::: "memory");
}

void set_cpu_local(void* cpu) { asm volatile("msr tpidr_el1, %0" ::"r"(cpu) : "memory"); }
void* cpu_local() {
    void* p;
    asm volatile("mrs %0, tpidr_el1" : "=r"(p));
    return p;
}

void halt_forever() {
    asm volatile("msr daifset, #0xf" ::: "memory");
    for (;;) asm volatile("wfi");
}
} // namespace arch
