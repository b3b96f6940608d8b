// Credentials live in the process (kernel/process.h): Linux keeps them per thread, but
// both C libraries apply set*id to every thread of the process (glibc and musl signal
// each thread to make the same call), so a process-wide copy is what programs observe.
// The rules themselves are in kernel/cred.cpp.
#include <kernel/cred.h>
#include <kernel/sync/giant.h>
#include <kernel/nproc.h>
#include <kernel/process.h>
#include <lib/alloc.h>
#include <syscalls/cred.h>

using namespace kernel;

namespace {
// The credentials are shared with the process's other threads: a copy, taken under
// their lock (Process::creds).
Credentials snapshot() { return current_process().creds(); }

// Applies a rule to the credentials in one step under their lock (Process::change_creds).
template <typename F>
ErrorOr<long> change(F f) {
    Process& p = current_process();
    u32 old_uid = kNoId;
    TRY(p.change_creds([&](Credentials& c) -> ErrorOr<void> {
        old_uid = c.uid;
        return f(c);
    }));
    giant::Section g;
    note_uid_change(p, old_uid); // RLIMIT_NPROC (kernel/nproc.h)
    return 0;
}
} // namespace

ErrorOr<long> sys_setuid(u32 uid) { return change([=](Credentials& c) { return set_uid(c, uid); }); }
ErrorOr<long> sys_setgid(u32 gid) { return change([=](Credentials& c) { return set_gid(c, gid); }); }
ErrorOr<long> sys_setreuid(u32 r, u32 e) { return change([=](Credentials& c) { return set_reuid(c, r, e); }); }
ErrorOr<long> sys_setregid(u32 r, u32 e) { return change([=](Credentials& c) { return set_regid(c, r, e); }); }
ErrorOr<long> sys_setresuid(u32 r, u32 e, u32 s) {
    return change([=](Credentials& c) { return set_resuid(c, r, e, s); });
}
ErrorOr<long> sys_setresgid(u32 r, u32 e, u32 s) {
    return change([=](Credentials& c) { return set_resgid(c, r, e, s); });
}
ErrorOr<long> sys_setfsuid(u32 id) {
    u32 old = 0;
    (void)current_process().change_creds([&](Credentials& c) -> ErrorOr<void> {
        old = set_fsuid(c, id);
        return {};
    });
    return old;
}
ErrorOr<long> sys_setfsgid(u32 id) {
    u32 old = 0;
    (void)current_process().change_creds([&](Credentials& c) -> ErrorOr<void> {
        old = set_fsgid(c, id);
        return {};
    });
    return old;
}

ErrorOr<long> sys_getgroups(int size, UserPtr<u32> list) {
    if (size < 0) return Errno::EINVAL;
    lv::RefPtr<GroupList> groups = snapshot().groups;
    u32 count = groups ? groups->count : 0;
    if (size == 0) return long(count); // just the count; the list is not touched
    if (u32(size) < count) return Errno::EINVAL;
    if (count) TRY(list.write_array(groups->gids, count));
    return long(count);
}

ErrorOr<long> sys_setgroups(int size, UserPtr<u32> list) {
    // Linux checks the capability before the size.
    if (!capable(snapshot())) return Errno::EPERM;
    if (u32(size) > kNGroupsMax) return Errno::EINVAL;
    lv::RefPtr<GroupList> groups;
    if (size > 0) {
        auto* ids = static_cast<u32*>(kmalloc(size_t(size) * sizeof(u32)));
        if (!ids) return Errno::ENOMEM;
        auto copied = list.read_array(ids, size_t(size));
        auto made = copied.is_error() ? ErrorOr<lv::RefPtr<GroupList>>(copied.error())
                                      : make_group_list(ids, u32(size));
        kfree(ids);
        if (made.is_error()) return made.error();
        groups = made.release_value();
    }
    TRY(current_process().change_creds([&](Credentials& c) -> ErrorOr<void> {
        c.groups = lv::move(groups);
        return {};
    }));
    return 0;
}
