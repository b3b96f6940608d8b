// Sleeping until something happens. A WaitQueue is a list of blocked threads.
//
//   while (!condition()) { TRY(queue.wait_interruptible()); }
//
// Conditions are checked with interrupts disabled or under the lock that guards them;
// wait() releases nothing itself, so the pattern is: check, wait, re-check. Wake-ups
// are broadcast; spurious returns are allowed.
#pragma once
#include <lib/list.h>
#include <lib/result.h>

namespace kernel {
struct Thread;

class WaitQueue {
public:
    // Blocks the current thread until wake_all()/wake_one(). Returns EINTR if a signal
    // became pending for the thread (the caller then returns EINTR or restarts).
    ErrorOr<void> wait_interruptible();
    // Same, giving up after `timeout_ns` (ETIMEDOUT) of monotonic time.
    ErrorOr<void> wait_interruptible_for(u64 timeout_ns);
    // Not woken by signals: for short waits that must complete (vfork).
    void wait_uninterruptible();
    void wake_all(); // callable from interrupt context
    void wake_one();
    bool has_waiters() const { return !m_waiters.empty(); }

    struct Waiter {
        lv::ListNode node;
        Thread* thread;
    };

private:
    lv::IntrusiveList<Waiter, &Waiter::node> m_waiters;
};
} // namespace kernel
