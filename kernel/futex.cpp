// Futex wait queues. Keys, as Linux's get_futex_key: a private futex (FUTEX_PRIVATE_FLAG),
// or a shared one in private memory, is (address space, user address); a shared futex
// in a MAP_SHARED region is the physical address of the word, which is the same in
// every process mapping that memory (pages never move), so processes sharing it wake
// each other. One list under one lock is enough while thread counts are small. FIXME:
// hash buckets with a lock each when it matters (FUTEX_REQUEUE then takes two, in
// address order).
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
#include <mm/address_space.h>
#include <mm/user_ptr.h>

namespace kernel {
namespace {
struct Key {
    const void* as; // null: `word` is a physical address (a shared mapping's)
    u64 word;
    bool operator==(const Key&) const = default;
};

struct Waiter {
    Key key; // changed by FUTEX_REQUEUE
    u32 bitset;
    bool woken = false;
    WaitQueue queue; // its thread sleeps here
    lv::ListNode node;
};

Spinlock g_lock {"futex"};
// Every waiter's list node, key and woken flag too.
lv::IntrusiveList<Waiter, &Waiter::node> g_waiters LV_GUARDED_BY(g_lock);


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

// The key of the caller's word at uaddr (see the top); without the futex lock, since it
// may fault the page in.
ErrorOr<Key> make_key(VirtAddr uaddr, bool shared) {
    mm::AddressSpace* as = current_process().as().get();
    if (!shared || !as) return Key {as, uaddr};
    for (;;) {
        PhysAddr frame = 0;
        switch (as->shared_frame(uaddr, &frame)) {
        case mm::AddressSpace::SharedFrame::NotShared: return Key {as, uaddr};
        case mm::AddressSpace::SharedFrame::Present: return Key {nullptr, frame + (uaddr & (arch::kPageSize - 1))};
        case mm::AddressSpace::SharedFrame::Absent: TRY(fault_in(uaddr)); break;
        }
    }
}

long wake_locked(const Key& k, int count, u32 bitset) LV_REQUIRES(g_lock) {
    long woken = 0;
    for (Waiter& w : g_waiters) {
        if (woken >= count) break;
        if (!(w.key == k) || !(w.bitset & bitset)) continue;
        g_waiters.remove(w);
        w.woken = true;
        w.queue.wake_all();
        woken++;
    }
    return woken;
}
} // namespace

ErrorOr<long> futex_wait(VirtAddr uaddr, u32 expected, u64 timeout_ns, bool has_timeout, u32 bitset, bool shared) {
    if (uaddr & 3) return Errno::EINVAL;
    if (!bitset) return Errno::EINVAL;
    u64 deadline = kNoDeadline;
    if (has_timeout) {
        u64 now = time::monotonic_ns();
        deadline = timeout_ns > kNoDeadline - 1 - now ? kNoDeadline - 1 : now + timeout_ns;
    }
    Waiter w {TRY(make_key(uaddr, shared)), bitset};
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

ErrorOr<long> futex_wake(VirtAddr uaddr, int count, u32 bitset, bool shared) {
    Key k = TRY(make_key(uaddr, shared));
    SpinlockLocker l(g_lock);
    // Linux's futex_wake counts after each wake: a count of 0 still wakes one.
    return wake_locked(k, count > 0 ? count : 1, bitset);
}

ErrorOr<long> futex_requeue(VirtAddr uaddr, int wake_count, VirtAddr uaddr2, int requeue_count, const u32* cmp,
                            bool shared) {
    Key k = TRY(make_key(uaddr, shared)), k2 = TRY(make_key(uaddr2, shared));
    for (;;) {
        {
            SpinlockLocker l(g_lock);
            u32 value = 0;
            if (!cmp || read_locked(uaddr, value) == Read::Ok) {
                if (cmp && value != *cmp) return Errno::EAGAIN;
                long woken = wake_locked(k, wake_count, ~0u);
                long moved = 0;
                for (Waiter& w : g_waiters) {
                    if (moved >= requeue_count) break;
                    if (!(w.key == k)) continue;
                    w.key = k2;
                    moved++;
                }
                return woken + moved;
            }
        }
        TRY(fault_in(uaddr));
    }
}
} // namespace kernel
