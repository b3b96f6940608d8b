// Scheduling policy, priority, nice values and CPU affinity: checked, stored per thread
// and reported back as Linux does. Nice values and SCHED_IDLE set each thread's share of
// its CPU (kernel/sched.cpp); the real-time policies are scheduled as SCHED_OTHER at
// nice 0 for now.
// (sched_yield is in syscalls/process.h.)
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_sched_getaffinity(int pid, u32 len, UserPtr<u8> mask);
ErrorOr<long> sys_sched_setaffinity(int pid, u32 len, UserPtr<u8> mask);
ErrorOr<long> sys_sched_getparam(int pid, UserPtr<int> param);
ErrorOr<long> sys_sched_setparam(int pid, UserPtr<int> param);
ErrorOr<long> sys_sched_getscheduler(int pid);
ErrorOr<long> sys_sched_setscheduler(int pid, int policy, UserPtr<int> param);
ErrorOr<long> sys_sched_get_priority_max(int policy);
ErrorOr<long> sys_sched_get_priority_min(int policy);
ErrorOr<long> sys_sched_rr_get_interval(int pid, UserPtr<void> interval);
ErrorOr<long> sys_getpriority(int which, int who);
ErrorOr<long> sys_setpriority(int which, int who, int niceval);
ErrorOr<long> sys_getcpu(UserPtr<u32> cpu, UserPtr<u32> node, UserPtr<void> cache);

#define LV_SYSCALLS_SCHED(X)                                                                                 \
    X(sched_getaffinity) X(sched_setaffinity) X(sched_getparam) X(sched_setparam) X(sched_getscheduler)   \
    X(sched_setscheduler) X(sched_get_priority_max) X(sched_get_priority_min) X(sched_rr_get_interval)   \
    X(getpriority) X(setpriority) X(getcpu)
