// epoll(7): an epoll file holds registrations (file, fd, events, data) and a ready list.
//
// Each registration queues a notify entry on its file's wait queue; a wake whose poll key
// matches its events puts it on the ready list and wakes the epoll's own queue (where
// epoll_wait sleeps and where an outer epoll or poll(2) watches this one). epoll_wait
// re-polls each ready registration before reporting it: level-triggered ones go back on
// the list, edge-triggered ones wait for the next wake, one-shot ones are disabled until
// EPOLL_CTL_MOD. Registrations belong to the open file description: they end when it
// does (FileWatch, fs/file.h), not when one of its fds is closed.
//
// Locking: the registered set of each epoll is under the giant lock (LV_GUARDED_BY_GIANT
// in fs/epoll.cpp); the ready list under the epoll's own spinlock, which the wakes of
// watched files take from any CPU (see Item there).
#pragma once
#include <fs/file.h>

namespace fs {
// Event bits beyond poll's (include/uapi/linux/eventpoll.h).
constexpr u32 kEpollRdHup = 0x2000, kEpollExclusive = 1u << 28, kEpollWakeup = 1u << 29,
              kEpollOneShot = 1u << 30, kEpollEt = 1u << 31;
constexpr int kEpollCtlAdd = 1, kEpollCtlDel = 2, kEpollCtlMod = 3;

ErrorOr<lv::RefPtr<File>> create_epoll(u32 flags); // flags: O_NONBLOCK only (O_CLOEXEC is the caller's)
bool is_epoll(const File& f);

// EPOLL_CTL_ADD/MOD/DEL on the epoll `ep` for `target` open at `fd`, with Linux's checks
// (EINVAL for itself or a non-epoll, EPERM for files that cannot be waited on, ELOOP,
// EEXIST, ENOENT, EPOLLEXCLUSIVE rules). `events`/`data` are ignored for DEL.
ErrorOr<void> epoll_ctl(File& ep, int op, int fd, File& target, u32 events, u64 data);

// epoll_wait: reports up to `max` events into `out` as the arch's struct epoll_event,
// waiting until the monotonic `deadline` (kernel::kNoDeadline: forever; `immediate`: not
// at all). EINTR, EFAULT (only when nothing was reported yet).
ErrorOr<size_t> epoll_wait(File& ep, VirtAddr out, size_t max, u64 deadline, bool immediate);
} // namespace fs
