// Credentials: the rules of credentials(7) for changing user and group IDs, the
// supplementary groups, and who may signal whom. Pure functions over a Credentials
// value (kernel/process.h), so the same rules serve every syscall that needs them.
//
// Capabilities are not modelled one by one: a process whose effective uid is 0 acts
// as having all of them, any other none. That is what Linux does for a root without
// file capabilities or securebits (capabilities(7), "Effect of user ID changes"):
// dropping euid 0 drops the effective set, keeping 0 as the saved uid lets it back.
#pragma once
#include <lib/ref_ptr.h>
#include <lib/result.h>

namespace kernel {
struct Credentials;

// Supplementary group IDs, sorted (Linux sorts them in setgroups; getgroups returns
// them in that order). Immutable once built: processes share a list until one of
// them calls setgroups, which makes a new one.
struct GroupList : lv::RefCounted<GroupList> {
    u32 count = 0;
    u32* gids = nullptr;
    ~GroupList() { kfree(gids); }
    bool contains(u32 gid) const;
};

constexpr u32 kNGroupsMax = 65536; // NGROUPS_MAX
constexpr u32 kNoId = 0xffffffff;  // (uid_t)-1: "leave unchanged", never a valid id

// CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_SYS_NICE, CAP_SYS_BOOT, ...: euid 0.
bool capable(const Credentials& c);

// Each returns EPERM when an unprivileged caller asks for an id it does not have,
// EINVAL for an invalid id, and changes nothing on error.
ErrorOr<void> set_uid(Credentials& c, u32 uid);
ErrorOr<void> set_gid(Credentials& c, u32 gid);
ErrorOr<void> set_reuid(Credentials& c, u32 ruid, u32 euid);
ErrorOr<void> set_regid(Credentials& c, u32 rgid, u32 egid);
ErrorOr<void> set_resuid(Credentials& c, u32 ruid, u32 euid, u32 suid);
ErrorOr<void> set_resgid(Credentials& c, u32 rgid, u32 egid, u32 sgid);
// setfsuid/setfsgid never fail: they return the previous value and change it only
// when allowed.
u32 set_fsuid(Credentials& c, u32 fsuid);
u32 set_fsgid(Credentials& c, u32 fsgid);

// Builds a sorted group list from `gids` (EINVAL for the invalid id -1, ENOMEM).
ErrorOr<lv::RefPtr<GroupList>> make_group_list(const u32* gids, u32 count);

// kill(2)'s permission rule: a privileged sender, or the sender's real or effective
// uid equal to the target's real or saved uid.
bool may_signal(const Credentials& sender, const Credentials& target);
} // namespace kernel
