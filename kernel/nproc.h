// RLIMIT_NPROC: how many tasks a user may have (Linux's per-user ucounts,
// UCOUNT_RLIMIT_NPROC). Every thread of every process counts for the process's real
// uid; a zombie counts until it is reaped; a change of real uid moves the count.
// The counts are computed from the process table when asked, so they cannot drift.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/result.h>
#include <lib/types.h>

namespace kernel {
class Process;

// Tasks whose process has real uid `uid`, not counting `except` (if given).
// In a giant::Section.
u64 user_tasks(u32 uid, const Process* except = nullptr) LV_REQUIRES_GIANT;

// fork/clone (copy_process): EAGAIN when the caller's real uid already has
// RLIMIT_NPROC tasks, unless that uid is root or the caller has CAP_SYS_RESOURCE or
// CAP_SYS_ADMIN (effective uid 0). A check that passes clears the caller's
// nproc_exceeded. In the same giant::Section that adds the new task.
ErrorOr<void> check_new_task(Process& caller) LV_REQUIRES_GIANT;

// set*uid, after installing credentials whose real uid changed from `old_uid`
// (flag_nproc_exceeded): the change never fails on RLIMIT_NPROC, but when the new user
// is over the limit the next execve does (EAGAIN). In a giant::Section.
void note_uid_change(Process& p, u32 old_uid) LV_REQUIRES_GIANT;

// execve: EAGAIN if a uid change flagged the process and its user is still over the
// limit; otherwise the flag is cleared.
ErrorOr<void> check_exec(Process& p);
} // namespace kernel
