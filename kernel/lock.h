// The old single-CPU lock: interrupts off, naming no lock. With several CPUs it also
// holds the giant lock (kernel/sync/giant.h), so that a section is as exclusive as it
// was on one CPU: no interrupt handler here, and no such section on another CPU. What
// still uses it moves to the named, checked locks of kernel/sync/ (Spinlock,
// SpinlockProtected, Mutex) piece by piece (docs/design.md, "Concurrency"). New code
// does not use it.
#pragma once
#include <arch/interface.h>
#include <kernel/sync/giant.h>

namespace kernel {
class InterruptGuard {
public:
    // To the analysis, the giant lock is held from here to the end of the enclosing
    // function (an assertion: the lock nests, which the analysis cannot express).
    InterruptGuard() LV_ASSERT_CAPABILITY(giant::the_lock) : m_state(arch::irq_save()) { giant::lock(); }
    ~InterruptGuard() LV_NO_THREAD_SAFETY_ANALYSIS {
        giant::unlock();
        arch::irq_restore(m_state);
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    arch::IrqState m_state;
};

} // namespace kernel
