// Futex wait queues, keyed by (address space, user address). One list under one lock is
// enough while thread counts are small. FIXME: hash buckets with a lock each when it
// matters (FUTEX_REQUEUE then takes two, in address order); shared futexes across
// processes (MAP_SHARED) are keyed per address space, which is right for private ones.
//
// The user word is read with no lock held (the read may fault a page in and sleep), so
// the order differs from Linux's (which reads under its bucket lock with page faults
// disabled) but keeps its guarantee: the waiter is queued *before* it reads the word.
// A waker changes the word and then wakes; if the waiter read the old value, the wake
// finds it queued and marks it woken, and the waiter sees that under the lock before
// sleeping. No wake-up is lost.
#include <kernel/futex.h>
#include <kernel/process.h>
#include <kernel/sync/spinlock.h>
#include <kernel/time.h>
#include <kernel/wait_queue.h>
#include <mm/user_ptr.h>

namespace kernel {
namespace {
struct Waiter {
    const void* key_as;
    VirtAddr addr; // changed by FUTEX_REQUEUE
    u32 bitset;
    bool woken = false;
    WaitQueue queue; // its thread sleeps here
    lv::ListNode node;
};

Spinlock g_lock {"futex"};
// Every waiter's list node, addr and woken flag too.
lv::IntrusiveList<Waiter, &Waiter::node> g_waiters LV_GUARDED_BY(g_lock);

const void* key() { return current_process().as.get(); }

long wake_locked(const void* k, VirtAddr uaddr, int count, u32 bitset) LV_REQUIRES(g_lock) {
    long woken = 0;
    for (Waiter& w : g_waiters) {
        if (woken >= count) break;
        if (w.key_as != k || w.addr != uaddr || !(w.bitset & bitset)) continue;
        g_waiters.remove(w);
        w.woken = true;
        w.queue.wake_all();
        woken++;
    }
    return woken;
}
} // namespace

ErrorOr<long> futex_wait(VirtAddr uaddr, u32 expected, u64 timeout_ns, bool has_timeout, u32 bitset) {
    if (uaddr & 3) return Errno::EINVAL;
    if (!bitset) return Errno::EINVAL;
    u64 deadline = kNoDeadline;
    if (has_timeout) {
        u64 now = time::monotonic_ns();
        deadline = timeout_ns > kNoDeadline - 1 - now ? kNoDeadline - 1 : now + timeout_ns;
    }
    Waiter w {key(), uaddr, bitset};
    {
        SpinlockLocker l(g_lock);
        g_waiters.push_back(w);
    }
    auto value = UserPtr<u32>(uaddr).read();
    SpinlockLocker l(g_lock);
    Errno err {};
    if (!w.woken) {
        if (value.is_error()) err = value.error();
        else if (value.value() != expected) err = Errno::EAGAIN;
    }
    while (!w.woken && err == Errno {}) {
        auto r = w.queue.wait_locked_until(g_lock, deadline);
        if (r.is_error()) err = r.error();
    }
    if (w.woken) return 0; // woken counts, even with a signal or the timeout at once
    g_waiters.remove(w);
    return err;
}

long futex_wake(VirtAddr uaddr, int count, u32 bitset) {
    SpinlockLocker l(g_lock);
    return wake_locked(key(), uaddr, count, bitset);
}

long futex_requeue(VirtAddr uaddr, int wake_count, VirtAddr uaddr2, int requeue_count) {
    SpinlockLocker l(g_lock);
    const void* k = key();
    long woken = wake_locked(k, uaddr, wake_count, ~0u);
    long moved = 0;
    for (Waiter& w : g_waiters) {
        if (moved >= requeue_count) break;
        if (w.key_as != k || w.addr != uaddr) continue;
        w.addr = uaddr2;
        moved++;
    }
    return woken + moved;
}
} // namespace kernel
