// Interrupt masking and stopping the CPU (arch/interface.h, "CPU control").
#include "../boot/platform.h"
#include "percpu.h"
#include <arch/interface.h>

// One per possible CPU; TPIDR_EL1 points at the CPU's own (head.S). Zeroed with .bss.
extern "C" arch::PerCpu aarch64_percpu[arch::Board::kMaxCpus];
arch::PerCpu aarch64_percpu[arch::Board::kMaxCpus];

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

void set_cpu_local(void* cpu) { this_percpu().kernel_cpu = cpu; }
void* cpu_local() { return this_percpu().kernel_cpu; }

PerCpu& percpu(unsigned index) { return aarch64_percpu[index]; }

void halt_forever() {
    asm volatile("msr daifset, #0xf" ::: "memory");
    for (;;) asm volatile("wfi");
}
} // namespace arch
