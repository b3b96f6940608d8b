// Futex wait queues, keyed by (address space, user address). One list under one lock is
// enough while thread counts are small. FIXME: hash buckets with a lock each when it
// matters (FUTEX_REQUEUE then takes two, in address order); shared futexes across
// processes (MAP_SHARED) are keyed per address space, which is right for private ones.
//
// As in Linux, the user word is read and compared with the lock held, and the waiter is
// queued under the same lock: a waker changes the word, then takes the lock to wake, so
// it either finds the waiter queued or the waiter sees the new value. The read under
// the lock cannot resolve a page fault (that may sleep): when the page is not there,
// the lock is dropped, the page faulted in with an ordinary read, and the whole check
// made again (Linux's get_futex_value_locked and its retry).
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

// Reads the user word under g_lock; false when the page must be faulted in first.
enum class Read { Ok, Fault };
Read read_locked(VirtAddr uaddr, u32& value) LV_REQUIRES(g_lock) {
    return mm::copy_from_user_nofault(&value, uaddr, sizeof value).is_error() ? Read::Fault : Read::Ok;
}

// Without the lock: brings the page in (EFAULT when it cannot be read at all).
ErrorOr<void> fault_in(VirtAddr uaddr) {
    TRY(UserPtr<u32>(uaddr).read());
    return {};
}

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
    for (;;) {
        {
            SpinlockLocker l(g_lock);
            u32 value;
            if (read_locked(uaddr, value) == Read::Ok) {
                if (value != expected) return Errno::EAGAIN;
                g_waiters.push_back(w);
                Errno err {};
                while (!w.woken && err == Errno {}) {
                    auto r = w.queue.wait_locked_until(g_lock, deadline);
                    if (r.is_error()) err = r.error();
                }
                if (w.woken) return 0; // woken counts, even with a signal or the timeout at once
                g_waiters.remove(w);
                return err;
            }
        }
        TRY(fault_in(uaddr));
    }
}

long futex_wake(VirtAddr uaddr, int count, u32 bitset) {
    SpinlockLocker l(g_lock);
    // Linux's futex_wake counts after each wake: a count of 0 still wakes one.
    return wake_locked(key(), uaddr, count > 0 ? count : 1, bitset);
}

ErrorOr<long> futex_requeue(VirtAddr uaddr, int wake_count, VirtAddr uaddr2, int requeue_count, const u32* cmp) {
    for (;;) {
        {
            SpinlockLocker l(g_lock);
            u32 value = 0;
            if (!cmp || read_locked(uaddr, value) == Read::Ok) {
                if (cmp && value != *cmp) return Errno::EAGAIN;
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
        }
        TRY(fault_in(uaddr));
    }
}
} // namespace kernel
