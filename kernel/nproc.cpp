#include <kernel/cred.h>
#include <kernel/sync/giant.h>
#include <kernel/nproc.h>
#include <kernel/process.h>

namespace kernel {
namespace {
u64 limit_of(const Process& p) { return p.rlimit_cur(kRlimitNproc); }
} // namespace

u64 user_tasks(u32 uid, const Process* except) {
    u64 n = 0;
    for (Process& p : all_processes()) {
        if (&p == except || p.uid() != uid) continue;
        // Live threads; an exiting or zombie process still has its leader (until reaped).
        n += p.live_threads() > 0 ? u64(p.live_threads()) : 1;
    }
    return n;
}

ErrorOr<void> check_new_task(Process& caller) {
    u32 uid = caller.uid();
    if (user_tasks(uid) >= limit_of(caller) && uid != 0 && !capable(caller)) return Errno::EAGAIN;
    caller.set_nproc_exceeded(false);
    return {};
}

void note_uid_change(Process& p, u32 old_uid) {
    u32 uid = p.uid();
    if (uid == old_uid) return;
    // Linux looks at the new user's count before this task moves to it.
    p.set_nproc_exceeded(uid != 0 && user_tasks(uid, &p) > limit_of(p));
}

ErrorOr<void> check_exec(Process& p) {
    giant::Section g;
    if (p.nproc_exceeded() && user_tasks(p.uid()) > limit_of(p)) return Errno::EAGAIN;
    p.set_nproc_exceeded(false);
    return {};
}
} // namespace kernel
