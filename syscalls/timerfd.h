// timerfd_create, timerfd_settime, timerfd_gettime (the timers are in fs/timerfd.cpp).
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_timerfd_create(int clockid, int flags);
ErrorOr<long> sys_timerfd_settime(int fd, int flags, UserPtr<void> new_value, UserPtr<void> old_value);
ErrorOr<long> sys_timerfd_gettime(int fd, UserPtr<void> cur_value);

#define LV_SYSCALLS_TIMERFD(X) X(timerfd_create) X(timerfd_settime) X(timerfd_gettime)
