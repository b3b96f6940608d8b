#include <kernel/futex.h>
#include <kernel/time.h>
#include <syscalls/futex.h>

using namespace kernel;

namespace {
enum : int {
    FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAIT_BITSET = 9,
    FUTEX_WAKE_BITSET = 10, FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256,
};
struct Timespec {
    i64 sec, nsec;
};
} // namespace

ErrorOr<long> sys_futex(UserPtr<u32> uaddr, int op, u32 val, u64 timeout_or_val2, UserPtr<u32> uaddr2, u32 val3) {
    int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    bool realtime = op & FUTEX_CLOCK_REALTIME;
    bool shared = !(op & FUTEX_PRIVATE_FLAG);
    if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT) return Errno::ENOSYS;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        u32 bitset = cmd == FUTEX_WAIT ? ~0u : val3;
        u64 timeout = 0;
        bool has_timeout = timeout_or_val2 != 0;
        if (has_timeout) {
            Timespec t = TRY(UserPtr<Timespec>(timeout_or_val2).read());
            if (t.sec < 0 || t.nsec < 0 || t.nsec >= 1000000000) return Errno::EINVAL;
            u64 ns = u64(t.sec) * time::kNsPerSec + u64(t.nsec);
            if (cmd == FUTEX_WAIT_BITSET) {
                // Absolute, against CLOCK_MONOTONIC or CLOCK_REALTIME.
                KTimespec now = realtime ? time::realtime_now() : time::monotonic_now();
                u64 cur = u64(now.sec) * time::kNsPerSec + u64(now.nsec);
                timeout = ns > cur ? ns - cur : 0;
            } else {
                timeout = ns;
            }
        }
        return futex_wait(uaddr.addr(), val, timeout, has_timeout, bitset, shared);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
        if (uaddr.addr() & 3) return Errno::EINVAL;
        u32 bitset = cmd == FUTEX_WAKE ? ~0u : val3;
        if (!bitset) return Errno::EINVAL;
        return futex_wake(uaddr.addr(), int(val > 0x7fffffff ? 0x7fffffff : val), bitset, shared);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
        if ((uaddr.addr() & 3) || (uaddr2.addr() & 3)) return Errno::EINVAL;
        if (int(val) < 0 || int(timeout_or_val2) < 0) return Errno::EINVAL; // as Linux's futex_requeue
        return futex_requeue(uaddr.addr(), int(val), uaddr2.addr(), int(timeout_or_val2),
                             cmd == FUTEX_CMP_REQUEUE ? &val3 : nullptr, shared);
    }
    default:
        return Errno::ENOSYS;
    }
}
