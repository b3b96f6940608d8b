// A sleeping lock, for sections that may block (disk I/O, page faults that read a file).
// Recursive: a user copy made while it is held may fault, and the fault may read a file,
// which takes the same lock again in the same thread (the owner re-enters). Waiters
// sleep uninterruptibly, as for Linux's inode locks: a holder never waits for anything
// unbounded with it held (pipes and ttys have their own wait queues and never block
// under it).
#pragma once
#include <kernel/sync/spinlock.h>
#include <kernel/wait_queue.h>

namespace kernel {
class Thread;

class LV_CAPABILITY("mutex") Mutex {
public:
    // `name` is also its lock class for the lock-order checks (kernel/sync/lockdep.h).
    explicit Mutex(const char* name = "mutex") : m_lock(name, false) {}
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;
    void lock() LV_ACQUIRE();
    void unlock() LV_RELEASE();
    bool is_held_by_current() const;
    // With the mutex held once (not re-entered): sleeps on `queue` until woken, giving
    // the mutex up meanwhile, and holds it again on return (EINTR when a signal is
    // pending). No wake after the caller's check is lost. The caller re-checks its
    // condition in a loop: while (!ready) TRY(m_lock.wait(m_queue));
    ErrorOr<void> wait(WaitQueue& queue) LV_REQUIRES(this) { return queue.sleep_releasing(*this); }

private:
    mutable Spinlock m_lock;
    Thread* m_owner LV_GUARDED_BY(m_lock) = nullptr;
    u32 m_depth LV_GUARDED_BY(m_lock) = 0;
    WaitQueue m_wait; // its waiters: queued and woken under m_lock
};

class LV_SCOPED_CAPABILITY MutexLocker {
public:
    explicit MutexLocker(Mutex& m) LV_ACQUIRE(m) : m_mutex(m) { m_mutex.lock(); }
    ~MutexLocker() LV_RELEASE() { m_mutex.unlock(); }
    MutexLocker(const MutexLocker&) = delete;
    MutexLocker& operator=(const MutexLocker&) = delete;

private:
    Mutex& m_mutex;
};
} // namespace kernel
