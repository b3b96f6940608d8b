// Creating processes and threads, running programs, waiting for children.
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_clone(u64 flags, u64 stack, u64 parent_tid, u64 arg4, u64 arg5) LV_REQUIRES_GIANT;
ErrorOr<long> sys_clone3(UserPtr<void> args, usize size) LV_REQUIRES_GIANT;
ErrorOr<long> sys_fork() LV_REQUIRES_GIANT;
ErrorOr<long> sys_vfork() LV_REQUIRES_GIANT;
ErrorOr<long> sys_execve(UserPtr<const char> path, UserPtr<u64> argv, UserPtr<u64> envp) LV_REQUIRES_GIANT;
ErrorOr<long> sys_execveat(int dirfd, UserPtr<const char> path, UserPtr<u64> argv, UserPtr<u64> envp, int flags) LV_REQUIRES_GIANT;
ErrorOr<long> sys_waitid(int idtype, int id, UserPtr<void> info, int options, UserPtr<void> rusage) LV_REQUIRES_GIANT;

#define LV_SYSCALLS_LIFECYCLE(X) X(clone) X(clone3) X(fork) X(vfork) X(execve) X(execveat) X(waitid)
