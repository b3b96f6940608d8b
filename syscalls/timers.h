// Interval timers: alarm, getitimer/setitimer, and the POSIX per-process timers
// (timer_create and friends). The machinery is in kernel/itimer.h.
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_alarm(unsigned seconds);
ErrorOr<long> sys_getitimer(int which, UserPtr<void> value);
ErrorOr<long> sys_setitimer(int which, UserPtr<void> value, UserPtr<void> old);
ErrorOr<long> sys_timer_create(int clock, UserPtr<void> sevp, UserPtr<int> timerid) LV_REQUIRES_GIANT;
ErrorOr<long> sys_timer_settime(int id, int flags, UserPtr<void> value, UserPtr<void> old) LV_REQUIRES_GIANT;
ErrorOr<long> sys_timer_gettime(int id, UserPtr<void> value);
ErrorOr<long> sys_timer_getoverrun(int id);
ErrorOr<long> sys_timer_delete(int id) LV_REQUIRES_GIANT;

#define LV_SYSCALLS_TIMERS(X)                                                                         \
    X(alarm) X(getitimer) X(setitimer) X(timer_create) X(timer_settime) X(timer_gettime)             \
    X(timer_getoverrun) X(timer_delete)
