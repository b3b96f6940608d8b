#include <kernel/cpu.h>
#include <kernel/log.h>
#include <kernel/sync/spinlock.h>

namespace kernel {
// Interrupts are off whenever the count changes (a spinlock is being taken or given up),
// and while it is read: a thread must not move to another CPU between finding its Cpu
// and reading the count.
u32 spinlocks_held() {
    arch::IrqState s = arch::irq_save();
    u32 n = this_cpu().spinlocks_held;
    arch::irq_restore(s);
    return n;
}

void Spinlock::held_changed(int delta) { this_cpu().spinlocks_held += u32(delta); }

void assert_no_spinlock(const char* what) {
    if (spinlocks_held()) panic("%s with %u spinlock(s) held", what, spinlocks_held());
}

void Spinlock::contended() {
    // With interrupts off on the only CPU, the holder cannot run again: after a while
    // (enough for another CPU to finish any section) this is a deadlock, not a wait.
    for (u64 spins = 0; spins < (1ull << 26); spins++) {
        arch::cpu_relax();
        if (!__atomic_exchange_n(&m_locked, 1u, __ATOMIC_ACQUIRE)) return;
    }
    panic("spinlock '%s': deadlock (taken again while held)", m_name);
}
} // namespace kernel
