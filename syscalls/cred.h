// Changing user and group IDs and the supplementary groups (credentials(7)). The
// getters (getuid, getresuid, ...) are in syscalls/process.h.
#pragma once
#include <lib/result.h>
#include <mm/user_ptr.h>

ErrorOr<long> sys_setuid(u32 uid);
ErrorOr<long> sys_setgid(u32 gid);
ErrorOr<long> sys_setreuid(u32 ruid, u32 euid);
ErrorOr<long> sys_setregid(u32 rgid, u32 egid);
ErrorOr<long> sys_setresuid(u32 ruid, u32 euid, u32 suid);
ErrorOr<long> sys_setresgid(u32 rgid, u32 egid, u32 sgid);
ErrorOr<long> sys_setfsuid(u32 fsuid);
ErrorOr<long> sys_setfsgid(u32 fsgid);
ErrorOr<long> sys_getgroups(int size, UserPtr<u32> list);
ErrorOr<long> sys_setgroups(int size, UserPtr<u32> list);

#define LV_SYSCALLS_CRED(X)                                                                           \
    X(setuid) X(setgid) X(setreuid) X(setregid) X(setresuid) X(setresgid) X(setfsuid) X(setfsgid) \
    X(getgroups) X(setgroups)
