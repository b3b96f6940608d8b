// The rules of Linux's kernel/sys.c (setuid, setreuid, setresuid, setfsuid and the
// gid twins) over our Credentials. The filesystem id follows the effective id on
// every change, as Linux's __sys_set*id does.
#include <kernel/cred.h>
#include <kernel/process.h>

namespace kernel {
namespace {
bool one_of(u32 id, u32 a, u32 b, u32 c) { return id == a || id == b || id == c; }

// The uid and gid halves of Credentials, so one implementation serves both.
struct Ids {
    u32 &real, &eff, &saved, &fs;
};
Ids uids(Credentials& c) { return {c.uid, c.euid, c.suid, c.fsuid}; }
Ids gids(Credentials& c) { return {c.gid, c.egid, c.sgid, c.fsgid}; }

ErrorOr<void> set_id(Ids ids, bool priv, u32 id) {
    if (id == kNoId) return Errno::EINVAL;
    if (priv) {
        ids.real = ids.eff = ids.saved = ids.fs = id;
    } else if (id == ids.real || id == ids.saved) {
        ids.eff = ids.fs = id;
    } else {
        return Errno::EPERM;
    }
    return {};
}

ErrorOr<void> set_re(Ids ids, bool priv, u32 r, u32 e) {
    u32 old_real = ids.real;
    if (r != kNoId && !priv && r != ids.real && r != ids.eff) return Errno::EPERM;
    if (e != kNoId && !priv && !one_of(e, ids.real, ids.eff, ids.saved)) return Errno::EPERM;
    if (r != kNoId) ids.real = r;
    if (e != kNoId) ids.eff = e;
    // The saved id becomes the new effective id when the real id is set, or when the
    // effective id is set to something other than the previous real id (setreuid(2)).
    if (r != kNoId || (e != kNoId && e != old_real)) ids.saved = ids.eff;
    ids.fs = ids.eff;
    return {};
}

ErrorOr<void> set_res(Ids ids, bool priv, u32 r, u32 e, u32 s) {
    if (!priv) {
        const u32 wanted[] = {r, e, s};
        for (u32 id : wanted)
            if (id != kNoId && !one_of(id, ids.real, ids.eff, ids.saved)) return Errno::EPERM;
    }
    if (r != kNoId) ids.real = r;
    if (e != kNoId) ids.eff = e;
    if (s != kNoId) ids.saved = s;
    ids.fs = ids.eff;
    return {};
}

// Heapsort: in place and O(n log n) for the 65536 ids setgroups may bring.
void sift_down(u32* a, u32 root, u32 n) {
    for (;;) {
        u32 child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[root] >= a[child]) return;
        u32 t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

void sort_ids(u32* a, u32 n) {
    for (u32 i = n / 2; i-- > 0;) sift_down(a, i, n);
    for (u32 end = n; end-- > 1;) {
        u32 t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

u32 set_fs(Ids ids, bool priv, u32 id) {
    u32 old = ids.fs;
    if (id != kNoId && (priv || one_of(id, ids.real, ids.eff, ids.saved) || id == ids.fs)) ids.fs = id;
    return old;
}
} // namespace

bool GroupList::contains(u32 gid) const {
    u32 lo = 0, hi = count;
    while (lo < hi) {
        u32 mid = lo + (hi - lo) / 2;
        if (gids[mid] == gid) return true;
        if (gids[mid] < gid) lo = mid + 1;
        else hi = mid;
    }
    return false;
}

bool capable(const Credentials& c) { return c.euid == 0; }
bool capable(const Process& p) { return p.euid() == 0; }

// The uid calls check CAP_SETUID and the gid calls CAP_SETGID: both mean euid 0 here.
ErrorOr<void> set_uid(Credentials& c, u32 uid) { return set_id(uids(c), capable(c), uid); }
ErrorOr<void> set_gid(Credentials& c, u32 gid) { return set_id(gids(c), capable(c), gid); }
ErrorOr<void> set_reuid(Credentials& c, u32 r, u32 e) { return set_re(uids(c), capable(c), r, e); }
ErrorOr<void> set_regid(Credentials& c, u32 r, u32 e) { return set_re(gids(c), capable(c), r, e); }
ErrorOr<void> set_resuid(Credentials& c, u32 r, u32 e, u32 s) { return set_res(uids(c), capable(c), r, e, s); }
ErrorOr<void> set_resgid(Credentials& c, u32 r, u32 e, u32 s) { return set_res(gids(c), capable(c), r, e, s); }
u32 set_fsuid(Credentials& c, u32 id) { return set_fs(uids(c), capable(c), id); }
u32 set_fsgid(Credentials& c, u32 id) { return set_fs(gids(c), capable(c), id); }

ErrorOr<lv::RefPtr<GroupList>> make_group_list(const u32* gids, u32 count) {
    auto list = lv::make_ref<GroupList>();
    if (!list) return Errno::ENOMEM;
    if (count) {
        list->gids = static_cast<u32*>(kmalloc(count * sizeof(u32)));
        if (!list->gids) return Errno::ENOMEM;
    }
    for (u32 i = 0; i < count; i++) {
        if (gids[i] == kNoId) return Errno::EINVAL;
        list->gids[i] = gids[i];
    }
    list->count = count;
    sort_ids(list->gids, count);
    return list;
}

bool may_signal(const Credentials& s, const Credentials& t) {
    return capable(s) || s.euid == t.suid || s.euid == t.uid || s.uid == t.suid || s.uid == t.uid;
}
} // namespace kernel
