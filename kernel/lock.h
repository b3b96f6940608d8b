// The old single-CPU lock: interrupts off, naming no lock. Only correct with one CPU;
// what still uses it moves to the named, checked locks of kernel/sync/ (Spinlock,
// SpinlockProtected, Mutex) piece by piece (docs/design.md, "Concurrency"). New code
// does not use it.
#pragma once
#include <arch/interface.h>

namespace kernel {
class InterruptGuard {
public:
    InterruptGuard() : m_state(arch::irq_save()) {}
    ~InterruptGuard() { arch::irq_restore(m_state); }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    arch::IrqState m_state;
};

} // namespace kernel
