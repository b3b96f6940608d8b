// Signal masks and actions.
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_rt_sigaction(int sig, UserPtr<void> act, UserPtr<void> oldact, usize sigsetsize);
ErrorOr<long> sys_rt_sigprocmask(int how, UserPtr<u64> set, UserPtr<u64> oldset, usize sigsetsize) LV_REQUIRES_GIANT;
ErrorOr<long> sys_rt_sigpending(UserPtr<u64> set, usize sigsetsize) LV_REQUIRES_GIANT;
ErrorOr<long> sys_sigaltstack(UserPtr<void> ss, UserPtr<void> old);

#define LV_SYSCALLS_SIGNAL(X) X(rt_sigaction) X(rt_sigprocmask) X(rt_sigpending) X(sigaltstack)

ErrorOr<long> sys_rt_sigreturn() LV_REQUIRES_GIANT;
ErrorOr<long> sys_rt_sigsuspend(UserPtr<u64> mask, usize sigsetsize);
ErrorOr<long> sys_pause();

#define LV_SYSCALLS_SIGNAL2(X) X(rt_sigreturn) X(rt_sigsuspend) X(pause)
