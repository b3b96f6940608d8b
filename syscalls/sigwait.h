// Waiting for signals synchronously and queueing them with a value.
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_rt_sigtimedwait(UserPtr<u64> set, UserPtr<void> info, UserPtr<void> timeout, usize sigsetsize);
ErrorOr<long> sys_rt_sigqueueinfo(int tgid, int sig, UserPtr<void> info) LV_REQUIRES_GIANT;
ErrorOr<long> sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, UserPtr<void> info) LV_REQUIRES_GIANT;

#define LV_SYSCALLS_SIGWAIT(X) X(rt_sigtimedwait) X(rt_sigqueueinfo) X(rt_tgsigqueueinfo)
