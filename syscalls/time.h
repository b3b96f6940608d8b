// Clocks and sleeping.
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_clock_gettime(int clock, UserPtr<void> ts) LV_REQUIRES_GIANT;
ErrorOr<long> sys_clock_getres(int clock, UserPtr<void> ts) LV_REQUIRES_GIANT;
ErrorOr<long> sys_clock_settime(int clock, UserPtr<void> ts) LV_REQUIRES_GIANT;
ErrorOr<long> sys_gettimeofday(UserPtr<void> tv, UserPtr<void> tz);
ErrorOr<long> sys_settimeofday(UserPtr<void> tv, UserPtr<void> tz);
ErrorOr<long> sys_time(UserPtr<i64> t);
ErrorOr<long> sys_nanosleep(UserPtr<void> req, UserPtr<void> rem) LV_REQUIRES_GIANT;
ErrorOr<long> sys_clock_nanosleep(int clock, int flags, UserPtr<void> req, UserPtr<void> rem) LV_REQUIRES_GIANT;
ErrorOr<long> sys_getrandom(UserPtr<void> buf, usize len, unsigned flags);

#define LV_SYSCALLS_TIME(X)                                                                             \
    X(clock_gettime) X(clock_getres) X(clock_settime) X(gettimeofday) X(settimeofday) X(time) X(nanosleep) \
    X(clock_nanosleep) X(getrandom)
