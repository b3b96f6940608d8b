// Futex wait queues, keyed by (address space, user address). One list is enough while
// thread counts are small. FIXME: hash buckets when it matters; shared futexes across
// processes (MAP_SHARED) are keyed per address space, which is right for private ones.
#include <kernel/futex.h>
#include <kernel/lock.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <mm/user_ptr.h>

namespace kernel {
namespace {
struct Waiter {
    const void* key_as;
    VirtAddr addr;
    u32 bitset;
    Thread* thread;
    bool woken = false;
    lv::ListNode node;
};
lv::IntrusiveList<Waiter, &Waiter::node> g_waiters;

const void* key() { return current_process().as.get(); }
} // namespace

ErrorOr<long> futex_wait(VirtAddr uaddr, u32 expected, u64 timeout_ns, bool has_timeout, u32 bitset) {
    if (uaddr & 3) return Errno::EINVAL;
    if (!bitset) return Errno::EINVAL;
    InterruptGuard g;
    u32 value = TRY(UserPtr<u32>(uaddr).read());
    if (value != expected) return Errno::EAGAIN;
    if (signal_pending()) return Errno::EINTR;
    Waiter w {key(), uaddr, bitset, &current_thread()};
    g_waiters.push_back(w);
    Thread& self = current_thread();
    if (has_timeout) sched::sleep_until(time::monotonic_ns() + timeout_ns);
    else sched::block();
    if (w.node.linked()) g_waiters.remove(w);
    if (w.woken) return 0;
    if (has_timeout && self.timed_out) return Errno::ETIMEDOUT;
    return Errno::EINTR;
}

long futex_wake(VirtAddr uaddr, int count, u32 bitset) {
    InterruptGuard g;
    long woken = 0;
    const void* k = key();
    for (Waiter& w : g_waiters) {
        if (woken >= count) break;
        if (w.key_as != k || w.addr != uaddr || !(w.bitset & bitset)) continue;
        g_waiters.remove(w);
        w.woken = true;
        sched::wake(*w.thread);
        woken++;
    }
    return woken;
}

long futex_requeue(VirtAddr uaddr, int wake_count, VirtAddr uaddr2, int requeue_count) {
    InterruptGuard g;
    long woken = futex_wake(uaddr, wake_count, ~0u);
    long moved = 0;
    const void* k = key();
    for (Waiter& w : g_waiters) {
        if (moved >= requeue_count) break;
        if (w.key_as != k || w.addr != uaddr) continue;
        w.addr = uaddr2;
        moved++;
    }
    return woken + moved;
}
} // namespace kernel
