// poll(2) and ppoll(2); the timeout and signal-mask pieces shared with select and epoll
// (syscalls/select.cpp, syscalls/epoll.cpp).
#pragma once
#include <lib/result.h>
#include <lib/vector.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_poll(UserPtr<void> fds, unsigned nfds, int timeout_ms);
ErrorOr<long> sys_ppoll(UserPtr<void> fds, unsigned nfds, UserPtr<void> tsp, UserPtr<u64> sigmask,
                        usize sigsetsize);

#define LV_SYSCALLS_POLL(X) X(poll) X(ppoll)

namespace poll_util {
// When a wait ends, in monotonic ns. `immediate`: a zero timeout (check once, never
// sleep: no wait-queue entries are made); `deadline` is kernel::kNoDeadline for none.
struct Timeout {
    u64 deadline;
    bool immediate;
};
Timeout from_ms(int ms);            // poll, epoll_wait: negative = forever
Timeout from_ns(u64 ns);            // a relative timeout
// A user struct timespec (null: forever). EFAULT; EINVAL unless 0 <= nsec < 1e9, sec >= 0.
ErrorOr<Timeout> from_user_timespec(UserPtr<void> ts);
// Linux's poll_select_finish: ppoll, pselect6 and select write the time left back to the
// user's timespec (or timeval), unless the timeout was zero. A failed copy is ignored.
void write_back_timespec(const Timeout& t, UserPtr<void> ts);
void write_back_timeval(const Timeout& t, UserPtr<void> tv);
// The temporary mask of ppoll/pselect6/epoll_pwait: EINVAL unless sigsetsize is 8;
// `present` false when the pointer is null.
struct Sigmask {
    u64 mask = 0;
    bool present = false;
    const u64* ptr() const { return present ? &mask : nullptr; }
};
ErrorOr<Sigmask> read_sigmask(UserPtr<u64> set, usize sigsetsize);
// `n` default-made elements in an empty vector; false on ENOMEM. (Vector::try_resize
// would do, but GCC then warns about its shrinking loop.)
template <typename T>
bool make_array(lv::Vector<T>& v, size_t n) {
    if (!v.try_reserve(n)) return false;
    for (size_t i = 0; i < n; i++) (void)v.try_append(T());
    return true;
}
} // namespace poll_util
