#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/sync/mutex.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <kernel/wait_queue.h>

namespace kernel {
ErrorOr<void> WaitQueue::sleep_unlocked(bool timed, u64 timeout_ns, Wake mode) {
    // The caller checked its condition under the giant lock; the section keeps it (and
    // this thread on the CPU) until the thread is marked asleep, and every waker of
    // such a queue holds it too. FIXME(SMP): such callers move to wait_locked.
    auto should_stop = [mode] {
        if (mode == Wake::Interruptible) return signal_pending();
        if (mode == Wake::Killable) return fatal_signal_pending();
        return false;
    };
    giant::Section g;
    if (should_stop()) return Errno::EINTR;
    Waiter w;
    w.thread = &current_thread();
    add(w);
    bool passed = false;
    if (timed) passed = sched::sleep_until(time::monotonic_ns() + timeout_ns);
    else sched::block();
    remove(w);
    if (passed) return Errno::ETIMEDOUT;
    if (should_stop()) return Errno::EINTR;
    return {};
}

ErrorOr<void> WaitQueue::sleep_locked(Spinlock& lock, bool interruptible, u64 deadline_ns) {
    // The waiter is queued under `lock`, and the scheduler marks the thread asleep before
    // giving `lock` up: a waker, which must take `lock` first, cannot slip in between.
    if (interruptible && signal_pending()) return Errno::EINTR;
    if (deadline_ns != kNoDeadline && time::monotonic_ns() >= deadline_ns) return Errno::ETIMEDOUT;
    Waiter w;
    w.thread = &current_thread();
    add(w);
    bool passed = sched::sleep_releasing(lock, deadline_ns);
    remove(w);
    if (interruptible && signal_pending()) return Errno::EINTR;
    if (passed) return Errno::ETIMEDOUT;
    return {};
}

ErrorOr<void> WaitQueue::sleep_releasing(Mutex& m) {
    // Queued before the mutex is given up, so a waker (which changes the condition under
    // the mutex, then wakes) finds the entry. If that wake comes before sched::block, the
    // thread is still running: the wake stays pending and block returns at once
    // (sched::wake), so it is not lost either.
    if (signal_pending()) return Errno::EINTR;
    Waiter w;
    w.thread = &current_thread();
    add(w);
    m.unlock();
    if (m.is_held_by_current()) panic("Mutex::wait with the mutex taken more than once");
    sched::block();
    remove(w);
    m.lock();
    if (signal_pending()) return Errno::EINTR;
    return {};
}

ErrorOr<void> WaitQueue::wait_locked(Spinlock& lock) { return sleep_locked(lock, true, kNoDeadline); }
void WaitQueue::wait_locked_uninterruptible(Spinlock& lock) { (void)sleep_locked(lock, false, kNoDeadline); }
ErrorOr<void> WaitQueue::wait_locked_until(Spinlock& lock, u64 deadline_ns) {
    return sleep_locked(lock, true, deadline_ns);
}

ErrorOr<void> WaitQueue::wait_interruptible() { return sleep_unlocked(false, 0, Wake::Interruptible); }
ErrorOr<void> WaitQueue::wait_interruptible_for(u64 timeout_ns) {
    return sleep_unlocked(true, timeout_ns, Wake::Interruptible);
}
ErrorOr<void> WaitQueue::wait_killable() { return sleep_unlocked(false, 0, Wake::Killable); }
void WaitQueue::wait_uninterruptible() { (void)sleep_unlocked(false, 0, Wake::Uninterruptible); }

void WaitQueue::wake_all(u32 key) {
    SpinlockLocker l(m_lock);
    // The iterator keeps the next node, so the current one may be unlinked.
    for (Waiter& w : m_waiters) {
        if (w.notify) {
            w.notify(w, key);
        } else {
            m_waiters.remove(w);
            sched::wake(*w.thread);
        }
    }
}

void WaitQueue::wake_one() {
    SpinlockLocker l(m_lock);
    bool woke = false;
    for (Waiter& w : m_waiters) {
        if (w.notify) {
            w.notify(w, 0);
        } else if (!woke) {
            m_waiters.remove(w);
            sched::wake(*w.thread);
            woke = true;
        }
    }
}

void WaitQueue::add(Waiter& w) {
    SpinlockLocker l(m_lock);
    m_waiters.push_back(w);
}

void WaitQueue::remove(Waiter& w) {
    SpinlockLocker l(m_lock);
    if (w.node.linked()) m_waiters.remove(w);
}

} // namespace kernel
