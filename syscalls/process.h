// Process and thread identity, lifetime, limits.
#pragma once
#include <kernel/thread.h> // kernel::CpuSplit
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_exit(int code) LV_REQUIRES_GIANT;
ErrorOr<long> sys_exit_group(int code) LV_REQUIRES_GIANT;
ErrorOr<long> sys_getpid();
ErrorOr<long> sys_getppid() LV_REQUIRES_GIANT;
ErrorOr<long> sys_gettid();
ErrorOr<long> sys_set_tid_address(UserPtr<int> tidptr);
ErrorOr<long> sys_set_robust_list(UserPtr<void> head, usize len);
ErrorOr<long> sys_get_robust_list(int pid, UserPtr<u64> head, UserPtr<usize> len);
ErrorOr<long> sys_getuid();
ErrorOr<long> sys_geteuid();
ErrorOr<long> sys_getgid();
ErrorOr<long> sys_getegid();
ErrorOr<long> sys_getresuid(UserPtr<u32> r, UserPtr<u32> e, UserPtr<u32> s);
ErrorOr<long> sys_getresgid(UserPtr<u32> r, UserPtr<u32> e, UserPtr<u32> s);
ErrorOr<long> sys_getpgid(int pid) LV_REQUIRES_GIANT;
ErrorOr<long> sys_getpgrp() LV_REQUIRES_GIANT;
ErrorOr<long> sys_setpgid(int pid, int pgid) LV_REQUIRES_GIANT;
ErrorOr<long> sys_getsid(int pid) LV_REQUIRES_GIANT;
ErrorOr<long> sys_setsid() LV_REQUIRES_GIANT;
ErrorOr<long> sys_wait4(int pid, UserPtr<int> status, int options, UserPtr<void> rusage) LV_REQUIRES_GIANT;
ErrorOr<long> sys_kill(int pid, int sig) LV_REQUIRES_GIANT;
ErrorOr<long> sys_tkill(int tid, int sig) LV_REQUIRES_GIANT;
ErrorOr<long> sys_tgkill(int tgid, int tid, int sig) LV_REQUIRES_GIANT;
ErrorOr<long> sys_sched_yield();
ErrorOr<long> sys_prlimit64(int pid, unsigned resource, UserPtr<void> new_limit, UserPtr<void> old_limit) LV_REQUIRES_GIANT;
ErrorOr<long> sys_getrlimit(unsigned resource, UserPtr<void> limit) LV_REQUIRES_GIANT;
ErrorOr<long> sys_setrlimit(unsigned resource, UserPtr<void> limit) LV_REQUIRES_GIANT;
ErrorOr<long> sys_getrusage(int who, UserPtr<void> usage);
// Writes a struct rusage holding these CPU times (wait4, waitid, getrusage).
ErrorOr<void> write_rusage(UserPtr<void> dst, const kernel::CpuSplit& cpu);
ErrorOr<long> sys_times(UserPtr<void> buf);
ErrorOr<long> sys_prctl(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5) LV_REQUIRES_GIANT;
ErrorOr<long> sys_uname(UserPtr<void> buf);

#define LV_SYSCALLS_PROCESS(X)                                                                      \
    X(exit) X(exit_group) X(getpid) X(getppid) X(gettid) X(set_tid_address) X(set_robust_list)     \
    X(get_robust_list) X(getuid) X(geteuid) X(getgid) X(getegid) X(getresuid) X(getresgid)          \
    X(getpgid) X(getpgrp) X(setpgid) X(getsid) X(setsid) X(wait4) X(kill) X(tkill)     \
    X(tgkill) X(sched_yield) X(prlimit64) X(getrlimit) X(setrlimit) X(getrusage) X(times) X(prctl) X(uname)
