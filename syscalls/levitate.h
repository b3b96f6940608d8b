// LevitateOS's own system calls (docs/custom-syscalls.md). Their numbers are the same
// on every architecture, above Linux's range.
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_spawn(UserPtr<const char> path) LV_REQUIRES_GIANT;
ErrorOr<long> sys_spawn_args(UserPtr<const char> path, UserPtr<u64> argv, UserPtr<u64> envp) LV_REQUIRES_GIANT;
ErrorOr<long> sys_set_foreground(int pid) LV_REQUIRES_GIANT;
ErrorOr<long> sys_get_foreground() LV_REQUIRES_GIANT;
ErrorOr<long> sys_isatty(int fd);

#define LV_CUSTOM_SYSCALLS(X) \
    X(1000, spawn) X(1001, spawn_args) X(1002, set_foreground) X(1003, get_foreground) X(1010, isatty)
