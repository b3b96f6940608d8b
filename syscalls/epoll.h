// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2 (the
// objects are in fs/epoll.cpp).
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_epoll_create1(int flags);
ErrorOr<long> sys_epoll_create(int size);
ErrorOr<long> sys_epoll_ctl(int epfd, int op, int fd, UserPtr<void> event);
ErrorOr<long> sys_epoll_wait(int epfd, UserPtr<void> events, int maxevents, int timeout_ms);
ErrorOr<long> sys_epoll_pwait(int epfd, UserPtr<void> events, int maxevents, int timeout_ms, UserPtr<u64> sigmask,
                              usize sigsetsize);
ErrorOr<long> sys_epoll_pwait2(int epfd, UserPtr<void> events, int maxevents, UserPtr<void> timeout,
                               UserPtr<u64> sigmask, usize sigsetsize);

#define LV_SYSCALLS_EPOLL(X) \
    X(epoll_create1) X(epoll_create) X(epoll_ctl) X(epoll_wait) X(epoll_pwait) X(epoll_pwait2)
