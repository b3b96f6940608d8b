// Sleeping until something happens. A WaitQueue is a list of blocked threads, guarded by
// its own spinlock (taken after the lock of the condition, before the scheduler's).
//
//   SpinlockLocker l(m_lock);
//   while (!m_ready) TRY(m_queue.wait_locked(m_lock));
//
// The condition is checked under the lock that guards it, and wait_locked gives that
// lock up only once the thread is queued and marked asleep: no wake is lost. (The
// older waits without a lock, wait_interruptible and the others, rely on the caller
// checking under the giant lock, in a giant::Section, and on every waker holding it
// too.) Wake-ups are
// broadcast; spurious returns are allowed.
//
// A queue may also hold notify entries (Waiter::notify set): they stay queued and are
// told of every wake, with the poll events the waker reports. poll/select (through
// kernel/poll_table.h) and epoll (fs/epoll.cpp) watch many queues at once that way.
#pragma once
#include <kernel/sched.h>
#include <kernel/sync/spinlock.h>
#include <lib/list.h>
#include <lib/result.h>

namespace kernel {
class Thread;
class Mutex;

class WaitQueue {
public:
    // `lock_name` is the lock-order class of the queue's lock; a queue whose lock is
    // taken inside another queue's (an epoll's, woken by the queues it watches) names
    // its own class, or is left out of the checks when it nests in itself (epolls in
    // epolls).
    WaitQueue() : m_lock("wait queue") {}
    explicit WaitQueue(const char* lock_name, bool tracked = true) : m_lock(lock_name, tracked) {}
    WaitQueue(const WaitQueue&) = delete;
    WaitQueue& operator=(const WaitQueue&) = delete;

    // Blocks the current thread until wake_all()/wake_one(). Returns EINTR if a signal
    // became pending for the thread (the caller then returns EINTR or restarts).
    ErrorOr<void> wait_interruptible();
    // Same, giving up after `timeout_ns` (ETIMEDOUT) of monotonic time.
    ErrorOr<void> wait_interruptible_for(u64 timeout_ns);
    // Woken only by SIGKILL (EINTR) among signals: waits that must not be cut short by
    // a handler but must not outlive the process either (vfork's parent).
    ErrorOr<void> wait_killable();
    // Not woken by signals: for short waits that must complete (a disk request).
    void wait_uninterruptible();
    // With `lock` held: sleeps until woken, giving `lock` up meanwhile (atomically with
    // queueing, so a wake after the caller's check is not lost: xv6's sleep(chan, lk),
    // Linux's wait_event_lock_irq), and holds it again on return. The caller checks its
    // condition under the lock, in a loop:
    //   SpinlockLocker l(m_lock);
    //   while (!m_ready) TRY(m_queue.wait_locked(m_lock));
    // EINTR when a signal is pending (checked before sleeping and after).
    ErrorOr<void> wait_locked(Spinlock& lock) LV_REQUIRES(lock);
    void wait_locked_uninterruptible(Spinlock& lock) LV_REQUIRES(lock);
    // wait_locked until the monotonic `deadline_ns` at the latest (ETIMEDOUT then);
    // kNoDeadline for none.
    ErrorOr<void> wait_locked_until(Spinlock& lock, u64 deadline_ns) LV_REQUIRES(lock);
    // Wakes every blocked thread and tells every notify entry. `key` is the set of poll
    // events (fs/inode.h kPoll*) that may have become true, 0 when unknown or several
    // kinds: epoll ignores a wake whose key misses what an entry watches.
    void wake_all(u32 key = 0); // callable from interrupt context
    void wake_one();            // one blocked thread; notify entries are all told

    struct Waiter {
        lv::ListNode node;
        Thread* thread = nullptr;
        // A notify entry: called under the queue's lock (maybe in interrupt context) on
        // each wake; it stays queued until remove(). It must not sleep, nor add or
        // remove entries of this queue, nor wake it.
        void (*notify)(Waiter&, u32 key) = nullptr;
    };
    // Queues / dequeues an entry (remove is a no-op when it is not queued: a wake
    // unqueues a thread's entry).
    void add(Waiter& w);
    void remove(Waiter& w);

    // For Mutex::wait (kernel/sync/mutex.h), which says what it requires.
    ErrorOr<void> sleep_releasing(Mutex& m) LV_NO_THREAD_SAFETY_ANALYSIS;

private:
    enum class Wake { Interruptible, Killable, Uninterruptible };
    ErrorOr<void> sleep_locked(Spinlock& lock, bool interruptible, u64 deadline_ns) LV_REQUIRES(lock);
    ErrorOr<void> sleep_unlocked(bool timed, u64 timeout_ns, Wake mode);

    Spinlock m_lock;
    lv::IntrusiveList<Waiter, &Waiter::node> m_waiters LV_GUARDED_BY(m_lock);
};

} // namespace kernel
