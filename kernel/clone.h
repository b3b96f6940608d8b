// clone(2), clone3(2), fork and vfork: new threads and processes copied from the caller.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/result.h>
#include <lib/types.h>

namespace kernel {
struct CloneArgs {
    u64 flags = 0;          // CLONE_* (without the exit signal)
    int exit_signal = 0;    // sent to the parent when the child exits
    VirtAddr stack = 0;     // new user stack pointer (0: the caller's)
    VirtAddr parent_tid = 0, child_tid = 0;
    u64 tls = 0;
};
// Returns the child's tid/pid to the caller; the child returns 0 from the same syscall.
ErrorOr<int> do_clone(const CloneArgs& a) LV_REQUIRES_GIANT;
} // namespace kernel
