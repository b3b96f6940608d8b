// Locking on a single CPU. With one CPU and a preemptive scheduler, mutual exclusion
// against interrupt handlers and other threads is interrupts-off. InterruptGuard is the
// RAII form; Protected<T> keeps data reachable only while the guard is held.
// FIXME: SMP needs real spinlocks here; the interface is what callers use, so only
// this file changes then.
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

template <typename T>
class Protected {
public:
    template <typename F>
    auto with(F&& f) {
        InterruptGuard g;
        return f(m_value);
    }

private:
    T m_value {};
};
} // namespace kernel
