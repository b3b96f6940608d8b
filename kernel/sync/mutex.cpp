#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/sync/mutex.h>

namespace kernel {
void Mutex::lock() {
    Thread* self = &current_thread();
    SpinlockLocker l(m_lock);
    if (m_owner != self) lockdep::acquire(m_lock.name()); // before waiting: a deadlock is reported
    while (m_owner && m_owner != self) m_wait.wait_locked_uninterruptible(m_lock);
    m_owner = self;
    m_depth++;
}

void Mutex::unlock() {
    SpinlockLocker l(m_lock);
    // An unlock by a thread that does not hold it would hand the holder's mutex away
    // unnoticed (its lock-order record stays, and the next lock reports a second one,
    // far from the culprit: seen once from the aarch64 fuzzer on the vfs mutex).
    if (m_owner != &current_thread() || m_depth == 0)
        panic("mutex '%s' released by tid %d, which does not hold it (holder tid %d, depth %u)", m_lock.name(),
              current_thread().tid(), m_owner ? m_owner->tid() : 0, m_depth);
    if (--m_depth > 0) return;
    lockdep::release(m_lock.name());
    m_owner = nullptr;
    m_wait.wake_one();
}

bool Mutex::is_held_by_current() const {
    SpinlockLocker l(m_lock);
    return m_owner == &current_thread();
}
} // namespace kernel
