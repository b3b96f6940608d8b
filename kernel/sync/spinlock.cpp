#include <kernel/log.h>
#include <kernel/sync/spinlock.h>

namespace kernel {
namespace {
// One CPU: one counter (per-CPU data once there are more).
u32 g_held = 0;
} // namespace

u32 spinlocks_held() { return __atomic_load_n(&g_held, __ATOMIC_RELAXED); }

void Spinlock::held_changed(int delta) { g_held += u32(delta); }

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
