// A sleeping, recursive lock for filesystem metadata and file data. The kernel is
// preemptive, so a thread can lose the CPU in the middle of a directory update; this
// lock keeps other threads out meanwhile. Recursive because a user copy made while it
// is held may fault, and a fault may read a file (the owner re-enters).
// Pipes and ttys never block while holding it: they have their own wait queues.
#pragma once
#include <lib/types.h>

namespace kernel {
struct Thread;
}

namespace fs {
class Mutex {
public:
    void lock();
    void unlock();

private:
    kernel::Thread* m_owner = nullptr;
    u32 m_depth = 0;
    u32 m_waiters = 0;
};

class MutexLocker {
public:
    explicit MutexLocker(Mutex& m) : m_mutex(m) { m_mutex.lock(); }
    ~MutexLocker() { m_mutex.unlock(); }
    MutexLocker(const MutexLocker&) = delete;
    MutexLocker& operator=(const MutexLocker&) = delete;

private:
    Mutex& m_mutex;
};

// The one lock over every filesystem's tree and file contents (a "big fs lock";
// FIXME: per-inode locks once there are several CPUs or contention shows).
Mutex& vfs_lock();
} // namespace fs
