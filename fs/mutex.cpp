#include <fs/mutex.h>
#include <kernel/lock.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/wait_queue.h>

namespace fs {
namespace {
kernel::WaitQueue g_mutex_wait; // shared by all fs mutexes: contention is rare
Mutex g_vfs_lock;
} // namespace

Mutex& vfs_lock() { return g_vfs_lock; }

void Mutex::lock() {
    kernel::Thread* self = &kernel::current_thread();
    kernel::InterruptGuard g;
    while (m_owner && m_owner != self) {
        m_waiters++;
        // The wait is interruptible, but taking a lock must not fail: with a signal
        // pending the wait returns at once, so yield to let the owner run instead.
        if (g_mutex_wait.wait_interruptible().is_error()) kernel::sched::yield();
        m_waiters--;
    }
    m_owner = self;
    m_depth++;
}

void Mutex::unlock() {
    kernel::InterruptGuard g;
    if (--m_depth > 0) return;
    m_owner = nullptr;
    if (m_waiters) g_mutex_wait.wake_all();
}
} // namespace fs
