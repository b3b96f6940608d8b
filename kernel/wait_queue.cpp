#include <kernel/lock.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/sync/mutex.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <kernel/wait_queue.h>

namespace kernel {
namespace {
enum class Wake { Interruptible, Killable, Uninterruptible };

bool should_stop(Wake mode) {
    if (mode == Wake::Interruptible) return signal_pending();
    if (mode == Wake::Killable) return fatal_signal_pending();
    return false;
}

ErrorOr<void> wait_common(lv::IntrusiveList<WaitQueue::Waiter, &WaitQueue::Waiter::node>& waiters,
                          bool timed, u64 timeout_ns, Wake mode = Wake::Interruptible) {
    InterruptGuard g;
    if (should_stop(mode)) return Errno::EINTR;
    Thread& self = current_thread();
    WaitQueue::Waiter w;
    w.thread = &self;
    waiters.push_back(w);
    bool passed = false;
    if (timed) passed = sched::sleep_until(time::monotonic_ns() + timeout_ns);
    else sched::block();
    if (w.node.linked()) waiters.remove(w);
    if (passed) return Errno::ETIMEDOUT;
    if (should_stop(mode)) return Errno::EINTR;
    return {};
}
} // namespace

ErrorOr<void> WaitQueue::sleep_locked(Spinlock& lock, bool interruptible, u64 deadline_ns) {
    // The waiter is queued under `lock`, and the scheduler marks the thread asleep before
    // giving `lock` up: a waker, which must take `lock` first, cannot slip in between.
    if (interruptible && signal_pending()) return Errno::EINTR;
    if (deadline_ns != kNoDeadline && time::monotonic_ns() >= deadline_ns) return Errno::ETIMEDOUT;
    Waiter w;
    w.thread = &current_thread();
    {
        InterruptGuard g; // FIXME(SMP): the queue's own lock
        m_waiters.push_back(w);
    }
    bool passed = sched::sleep_releasing(lock, deadline_ns);
    {
        InterruptGuard g;
        if (w.node.linked()) m_waiters.remove(w);
    }
    if (interruptible && signal_pending()) return Errno::EINTR;
    if (passed) return Errno::ETIMEDOUT;
    return {};
}

ErrorOr<void> WaitQueue::sleep_releasing(Mutex& m) {
    // Interrupts stay off from queueing to sleeping, so a wake after the caller's check
    // (made under the mutex) finds the thread queued. FIXME(SMP): the waker must see
    // the thread's sleeping state under the queue's lock instead.
    InterruptGuard g;
    if (signal_pending()) return Errno::EINTR;
    Thread& self = current_thread();
    Waiter w;
    w.thread = &self;
    m_waiters.push_back(w);
    m.unlock();
    if (m.is_held_by_current()) panic("Mutex::wait with the mutex taken more than once");
    sched::block();
    if (w.node.linked()) m_waiters.remove(w);
    m.lock();
    if (signal_pending()) return Errno::EINTR;
    return {};
}

ErrorOr<void> WaitQueue::wait_locked(Spinlock& lock) { return sleep_locked(lock, true, kNoDeadline); }
void WaitQueue::wait_locked_uninterruptible(Spinlock& lock) { (void)sleep_locked(lock, false, kNoDeadline); }
ErrorOr<void> WaitQueue::wait_locked_until(Spinlock& lock, u64 deadline_ns) {
    return sleep_locked(lock, true, deadline_ns);
}

ErrorOr<void> WaitQueue::wait_interruptible() { return wait_common(m_waiters, false, 0); }
ErrorOr<void> WaitQueue::wait_interruptible_for(u64 timeout_ns) { return wait_common(m_waiters, true, timeout_ns); }
ErrorOr<void> WaitQueue::wait_killable() { return wait_common(m_waiters, false, 0, Wake::Killable); }

void WaitQueue::wait_uninterruptible() { (void)wait_common(m_waiters, false, 0, Wake::Uninterruptible); }

void WaitQueue::wake_all(u32 key) {
    InterruptGuard g;
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
    InterruptGuard g;
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
    InterruptGuard g;
    m_waiters.push_back(w);
}

void WaitQueue::remove(Waiter& w) {
    InterruptGuard g;
    if (w.node.linked()) m_waiters.remove(w);
}

ErrorOr<void> sleep_interruptible_until(u64 deadline_ns) {
    InterruptGuard g;
    if (signal_pending()) return Errno::EINTR;
    if (deadline_ns != kNoDeadline && time::monotonic_ns() >= deadline_ns) return Errno::ETIMEDOUT;
    if (deadline_ns == kNoDeadline) sched::block();
    else if (sched::sleep_until(deadline_ns)) return Errno::ETIMEDOUT;
    if (signal_pending()) return Errno::EINTR;
    return {};
}
} // namespace kernel
