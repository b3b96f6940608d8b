#include <kernel/lock.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <kernel/wait_queue.h>

namespace kernel {
namespace {
ErrorOr<void> wait_common(lv::IntrusiveList<WaitQueue::Waiter, &WaitQueue::Waiter::node>& waiters,
                          bool timed, u64 timeout_ns, bool interruptible = true) {
    InterruptGuard g;
    if (interruptible && signal_pending()) return Errno::EINTR;
    Thread& self = current_thread();
    WaitQueue::Waiter w;
    w.thread = &self;
    waiters.push_back(w);
    if (timed) sched::sleep_until(time::monotonic_ns() + timeout_ns);
    else sched::block();
    if (w.node.linked()) waiters.remove(w);
    if (timed && self.timed_out) return Errno::ETIMEDOUT;
    if (interruptible && signal_pending()) return Errno::EINTR;
    return {};
}
} // namespace

ErrorOr<void> WaitQueue::wait_interruptible() { return wait_common(m_waiters, false, 0); }
ErrorOr<void> WaitQueue::wait_interruptible_for(u64 timeout_ns) { return wait_common(m_waiters, true, timeout_ns); }

void WaitQueue::wait_uninterruptible() { (void)wait_common(m_waiters, false, 0, false); }

void WaitQueue::wake_all() {
    InterruptGuard g;
    while (Waiter* w = m_waiters.pop_front()) sched::wake(*w->thread);
}

void WaitQueue::wake_one() {
    InterruptGuard g;
    if (Waiter* w = m_waiters.pop_front()) sched::wake(*w->thread);
}
} // namespace kernel
