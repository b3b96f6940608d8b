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
