#include <kernel/cpu.h>
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
