#include <arch/abi.h>
#include <fs/epoll.h>
#include <kernel/poll_table.h>
#include <syscalls/epoll.h>
#include <syscalls/fs_util.h>
#include <syscalls/poll.h>

using namespace kernel;

namespace {
// EP_MAX_EVENTS: what fits in INT_MAX bytes.
constexpr size_t kMaxEvents = 0x7fffffff / sizeof(arch::LinuxEpollEvent);

ErrorOr<long> do_wait(int epfd, UserPtr<void> events, int maxevents, const poll_util::Timeout& t) {
    if (maxevents <= 0 || size_t(maxevents) > kMaxEvents) return Errno::EINVAL;
    // Only the range is checked here, as Linux's access_ok: a null buffer is fine until an
    // event has to go there.
    if (!mm::user_range_ok(events.addr(), size_t(maxevents) * sizeof(arch::LinuxEpollEvent))) return Errno::EFAULT;
    auto ep = TRY(fs::sc::io_file(epfd));
    return long(TRY(fs::epoll_wait(*ep, events.addr(), size_t(maxevents), t.deadline, t.immediate)));
}

ErrorOr<long> with_mask(int epfd, UserPtr<void> events, int maxevents, const poll_util::Timeout& t,
                        UserPtr<u64> sigmask, usize sigsetsize) {
    auto mask = TRY(poll_util::read_sigmask(sigmask, sigsetsize));
    SigmaskSwap swap(mask.ptr());
    auto r = do_wait(epfd, events, maxevents, t);
    swap.finish(r.is_error() && r.error() == Errno::EINTR);
    return r;
}
} // namespace

ErrorOr<long> sys_epoll_create1(int flags) {
    if (u32(flags) & ~fs::kOCloExec) return Errno::EINVAL; // EPOLL_CLOEXEC == O_CLOEXEC
    auto file = TRY(fs::create_epoll(0));
    return long(TRY(fs::sc::fds().allocate(lv::move(file), flags & fs::kOCloExec)));
}

ErrorOr<long> sys_epoll_create(int size) {
    if (size <= 0) return Errno::EINVAL; // otherwise ignored, as since Linux 2.6.8
    return sys_epoll_create1(0);
}

ErrorOr<long> sys_epoll_ctl(int epfd, int op, int fd, UserPtr<void> event) {
    arch::LinuxEpollEvent ev {};
    if (op != fs::kEpollCtlDel) TRY(mm::copy_from_user(&ev, event.addr(), sizeof ev));
    auto ep = TRY(fs::sc::io_file(epfd));
    auto target = TRY(fs::sc::io_file(fd));
    TRY(fs::epoll_ctl(*ep, op, fd, *target, ev.events, ev.data));
    return 0;
}

ErrorOr<long> sys_epoll_wait(int epfd, UserPtr<void> events, int maxevents, int timeout_ms) {
    return do_wait(epfd, events, maxevents, poll_util::from_ms(timeout_ms));
}

ErrorOr<long> sys_epoll_pwait(int epfd, UserPtr<void> events, int maxevents, int timeout_ms, UserPtr<u64> sigmask,
                              usize sigsetsize) {
    return with_mask(epfd, events, maxevents, poll_util::from_ms(timeout_ms), sigmask, sigsetsize);
}

ErrorOr<long> sys_epoll_pwait2(int epfd, UserPtr<void> events, int maxevents, UserPtr<void> timeout,
                               UserPtr<u64> sigmask, usize sigsetsize) {
    auto t = TRY(poll_util::from_user_timespec(timeout));
    return with_mask(epfd, events, maxevents, t, sigmask, sigsetsize);
}
