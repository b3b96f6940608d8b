#include <kernel/cpu.h>
#include <kernel/thread.h>
#include <kernel/log.h>
#include <kernel/smp.h>
#include <kernel/time.h>
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

void Spinlock::lock_irqs_on() LV_NO_THREAD_SAFETY_ANALYSIS {
    // The bookkeeping with interrupts off (the count is this CPU's, and the lock-order
    // checker's own lock is taken by interrupt handlers too); the wait with them on.
    arch::IrqState s = arch::irq_save();
    Cpu& cpu = this_cpu();
    bool in_irq = cpu.current && cpu.current->own().irq_depth;
    if (in_irq || cpu.spinlocks_held != cpu.irqs_on_spinlocks_held)
        panic("spinlock '%s' leaves interrupts on, but is taken %s", m_name,
              in_irq ? "in an interrupt handler" : "with an interrupt-disabling spinlock held");
    cpu.spinlocks_held++; // from now on the tick does not switch threads here
    cpu.irqs_on_spinlocks_held++;
    if (m_tracked) lockdep::acquire(m_name); // before a wait that could be a deadlock
    arch::irq_restore(s);
    if (__atomic_exchange_n(&m_locked, 1u, __ATOMIC_ACQUIRE)) contended();
}

void Spinlock::unlock_irqs_on() LV_NO_THREAD_SAFETY_ANALYSIS {
    __atomic_store_n(&m_locked, 0u, __ATOMIC_RELEASE);
    arch::IrqState s = arch::irq_save();
    if (m_tracked) lockdep::release(m_name);
    Cpu& cpu = this_cpu();
    cpu.irqs_on_spinlocks_held--;
    cpu.spinlocks_held--;
    arch::irq_restore(s);
}

void Spinlock::not_for_sleep() {
    panic("spinlock '%s' leaves interrupts on: a sleep under it (wait_locked) needs a Save lock", m_name);
}

void assert_no_spinlock(const char* what) {
    if (spinlocks_held()) panic("%s with %u spinlock(s) held", what, spinlocks_held());
}

void Spinlock::contended() {
    // The holder runs on another CPU and leaves soon: spinlock sections are short and
    // never sleep. Meanwhile this CPU answers the others' requests (the holder may be
    // waiting for a TLB flush here). A lock still taken after seconds of that is a
    // deadlock (with one CPU: taken again by its own holder), and is reported as one.
    u64 start = 0;
    for (u64 spins = 1;; spins++) {
        smp::handle_requests();
        arch::cpu_relax();
        if (!__atomic_load_n(&m_locked, __ATOMIC_RELAXED) && !__atomic_exchange_n(&m_locked, 1u, __ATOMIC_ACQUIRE))
            return;
        if (spins % (1u << 16)) continue;
        u64 now = time::monotonic_ns();
        if (!start) start = now;
        if (smp::online_count() == 1 || now - start > 10'000'000'000ull)
            panic("spinlock '%s': deadlock (still taken after %lu ms)", m_name, (now - start) / 1'000'000);
    }
}
} // namespace kernel
