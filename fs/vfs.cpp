// Mounts and path resolution.
#include <fs/context.h>
#include <fs/mutex.h>
#include <fs/vfs.h>
#include <kernel/log.h>
#include <kernel/process.h>

namespace fs {
namespace {
struct MountEntry {
    FileSystem* fs = nullptr;
    lv::RefPtr<Inode> mountpoint; // null for the root filesystem
    lv::RefPtr<Inode> root;       // what the mountpoint shows
};
constexpr size_t kMaxMounts = 32;
// The mount table: entry 0 is the root filesystem.
MountEntry g_mounts[kMaxMounts] LV_GUARDED_BY(vfs_lock());
size_t g_mount_count LV_GUARDED_BY(vfs_lock()) = 0;

// The root of whatever is mounted on `dir` (the last mount wins), or `dir` itself.
lv::RefPtr<Inode> cross_mounts(lv::RefPtr<Inode> dir) LV_REQUIRES(vfs_lock()) {
    // One pass in mount order: a later mount on top of an earlier one comes later.
    for (size_t i = 1; i < g_mount_count; i++)
        if (g_mounts[i].mountpoint.get() == dir.get()) dir = g_mounts[i].root;
    return dir;
}

// ".." of `dir`, leaving mounts through their mountpoint; never above the
// process's root (chroot).
lv::RefPtr<Inode> dotdot(lv::RefPtr<Inode> dir) LV_REQUIRES(vfs_lock()) {
    Inode* root = process_root().get();
    if (dir.get() == root) return dir;
    root = g_mounts[0].root.get();
    // Bounded: bind mounts can make mountpoints cover each other.
    for (size_t hops = 0; dir.get() != root && hops < kMaxMounts; hops++) {
        auto mp = covered_by(*dir);
        if (!mp) break;
        dir = mp;
    }
    if (dir.get() == root) return dir;
    auto p = dir->parent();
    return p ? cross_mounts(p) : dir; // a removed directory: stay (Linux keeps d_parent)
}

// One piece of path text being walked: the caller's path, or a symlink's target.
struct Segment {
    PathComponents it {lv::StringView()};
    char* owned = nullptr; // symlink targets are copied here
    bool trailing_slash = false;
};

struct WalkState {
    Segment stack[kMaxSymlinks + 1];
    int depth = 0;
    int links = 0;
    ~WalkState() {
        for (int i = 0; i < depth; i++) kfree(stack[i].owned);
    }
    void pop() { kfree(stack[--depth].owned); }
    bool rest_empty() const {
        for (int i = 0; i < depth; i++)
            if (!stack[i].it.at_end()) return false;
        return true;
    }
    bool any_trailing_slash() const {
        for (int i = 0; i < depth; i++)
            if (stack[i].trailing_slash) return true;
        return false;
    }
};

// Follows the symlink `link` met in directory `dir`: pushes its target and returns the
// directory the target is relative to.
ErrorOr<lv::RefPtr<Inode>> push_symlink(WalkState& st, Inode& link, lv::RefPtr<Inode> dir) {
    if (++st.links > kMaxSymlinks) return Errno::ELOOP;
    char* target = static_cast<char*>(kmalloc(kPathMax));
    if (!target) return Errno::ENOMEM;
    auto len = link.readlink(target, kPathMax - 1);
    if (len.is_error() || len.value() == 0) {
        kfree(target);
        return len.is_error() ? len.error() : Errno::ENOENT;
    }
    // Drop exhausted segments first, keeping their "must be a directory" flag.
    bool trailing = false;
    while (st.depth > 0 && st.stack[st.depth - 1].it.at_end()) {
        trailing |= st.stack[st.depth - 1].trailing_slash;
        st.pop();
    }
    Segment& s = st.stack[st.depth++];
    s.owned = target;
    lv::StringView t(target, len.value());
    s.it = PathComponents(t);
    s.trailing_slash = trailing || has_trailing_slash(t);
    return is_absolute(t) ? process_root() : dir;
}
} // namespace

void set_root(FileSystem& fs) {
    MutexLocker l(vfs_lock());
    // A new root starts a new mount table (once at boot; host tests, each test).
    for (size_t i = 0; i < g_mount_count; i++) g_mounts[i] = MountEntry {};
    g_mounts[0].fs = &fs;
    g_mounts[0].root = fs.root;
    g_mount_count = 1;
}

lv::RefPtr<Inode> root_inode() {
    MutexLocker l(vfs_lock());
    return g_mount_count ? g_mounts[0].root : nullptr;
}

lv::RefPtr<Inode> process_root() {
    FsContext* ctx = kernel::current_process().fs().get();
    return ctx && ctx->root ? ctx->root : root_inode();
}

ErrorOr<void> bind_mount(Inode& mountpoint, Inode& root) {
    MutexLocker l(vfs_lock());
    if (!mountpoint.is_dir() || !root.is_dir()) return Errno::ENOTDIR;
    if (g_mount_count >= kMaxMounts) return Errno::ENOMEM;
    for (size_t i = 1; i < g_mount_count; i++)
        if (g_mounts[i].mountpoint.get() == &mountpoint && g_mounts[i].root.get() == &root) return Errno::EBUSY;
    g_mounts[g_mount_count].fs = &root.fs;
    g_mounts[g_mount_count].mountpoint = lv::RefPtr<Inode>(&mountpoint);
    g_mounts[g_mount_count].root = lv::RefPtr<Inode>(&root);
    g_mount_count++;
    return {};
}

ErrorOr<void> mount(Inode& mountpoint, FileSystem& fs) { return bind_mount(mountpoint, *fs.root); }

ErrorOr<void> unmount(Inode& root) {
    MutexLocker l(vfs_lock());
    if (&root == g_mounts[0].root.get()) return Errno::EBUSY;
    // The topmost mount with this root (stacked mounts come off in reverse order).
    for (size_t i = g_mount_count; i-- > 1;) {
        if (g_mounts[i].root.get() != &root) continue;
        // FIXME: Linux refuses (EBUSY) while files or working directories are inside;
        // here it is always a lazy unmount (MNT_DETACH), and the filesystem is kept.
        // Filesystems on devices are asked, when this is their last mount: ext2 refuses
        // while its files are in use, else writes back and lets the device go.
        bool last = true;
        for (size_t j = 0; j < g_mount_count; j++)
            if (j != i && g_mounts[j].fs == g_mounts[i].fs) last = false;
        if (last) TRY(g_mounts[i].fs->unmount());
        FileSystem* gone = last && g_mounts[i].fs->discard_on_unmount ? g_mounts[i].fs : nullptr;
        for (size_t j = i; j + 1 < g_mount_count; j++) g_mounts[j] = lv::move(g_mounts[j + 1]);
        g_mounts[--g_mount_count] = MountEntry {};
        if (gone) {
            // Its files go now (Linux: when the last reference to the mount goes); what
            // is still open or a working directory lives on, unlinked, until released.
            gone->discard_tree();
            gone->root.clear();
            gone->detach();
        }
        return {};
    }
    return Errno::EINVAL;
}

ErrorOr<void> pivot_root(Inode& new_root, Inode& put_old) {
    MutexLocker l(vfs_lock());
    if (!new_root.is_dir() || !put_old.is_dir()) return Errno::ENOTDIR;
    lv::RefPtr<Inode> old_root = g_mounts[0].root;
    // Linux's order (fs/namespace.c): EBUSY when either is on the root mount (here: on
    // the root filesystem), then EINVAL for the rest.
    if (&new_root.fs == g_mounts[0].fs || &put_old.fs == g_mounts[0].fs) return Errno::EBUSY;
    size_t i = g_mount_count;
    while (i-- > 1 && g_mounts[i].root.get() != &new_root) {}
    if (i == 0) return Errno::EINVAL; // not a mount point
    // put_old must be new_root or lie below it (going up through mounts).
    lv::RefPtr<Inode> cur(&put_old);
    for (size_t hops = 0; cur.get() != &new_root; hops++) {
        if (cur.get() == old_root.get() || hops > 4096) return Errno::EINVAL;
        auto up = covered_by(*cur);
        if (!up) up = cur->parent();
        if (!up || up.get() == cur.get()) return Errno::EINVAL;
        cur = up;
    }
    // The new root's entry becomes entry 0; the old root takes its slot, on put_old.
    MountEntry was_root = lv::move(g_mounts[0]);
    g_mounts[0] = MountEntry {g_mounts[i].fs, nullptr, g_mounts[i].root};
    g_mounts[i] = MountEntry {was_root.fs, lv::RefPtr<Inode>(&put_old), was_root.root};
    return {};
}

lv::RefPtr<Inode> covered_by(Inode& dir) {
    for (size_t i = g_mount_count; i-- > 1;)
        if (g_mounts[i].root.get() == &dir && g_mounts[i].mountpoint.get() != &dir) return g_mounts[i].mountpoint;
    return nullptr;
}

void sync_filesystems() {
    MutexLocker l(vfs_lock());
    for (size_t i = 0; i < g_mount_count; i++) {
        FileSystem* f = g_mounts[i].fs;
        auto r = f->sync();
        if (r.is_error()) log_warn("sync: %s filesystem: errno %d", f->name, int(r.error()));
    }
}

void unmount_all() {
    MutexLocker l(vfs_lock());
    for (size_t i = g_mount_count; i-- > 1;) {
        lv::RefPtr<Inode> root = g_mounts[i].root;
        auto r = unmount(*root);
        if (r.is_error()) log_warn("shutdown: %s stays mounted: errno %d", g_mounts[i].fs->name, int(r.error()));
    }
    // The root filesystem cannot go; a disk there (after pivot_root) is closed cleanly.
    if (g_mount_count && g_mounts[0].fs) (void)g_mounts[0].fs->unmount();
}

FileSystem* mount_at(size_t i, lv::RefPtr<Inode>& mountpoint) {
    if (i >= g_mount_count) return nullptr;
    mountpoint = g_mounts[i].mountpoint;
    return g_mounts[i].fs;
}

ErrorOr<void> walk(Inode& base, lv::StringView path, u32 flags, WalkResult& out) {
    TRY(check_path(path));
    MutexLocker l(vfs_lock());
    auto* st = lv::make<WalkState>();
    if (!st) return Errno::ENOMEM;
    struct Free {
        WalkState* s;
        ~Free() { lv::destroy(s); }
    } free_state {st};

    lv::RefPtr<Inode> cur = is_absolute(path) ? process_root() : cross_mounts(lv::RefPtr<Inode>(&base));
    st->stack[0].it = PathComponents(path);
    st->stack[0].trailing_slash = has_trailing_slash(path);
    st->depth = 1;
    out.last = LastType::Root;
    out.parent = nullptr;
    out.name_len = 0;
    out.name[0] = 0;

    lv::StringView c;
    bool final_dir_required = has_trailing_slash(path);
    while (st->depth > 0) {
        Segment& seg = st->stack[st->depth - 1];
        if (!seg.it.next(c)) {
            st->pop();
            continue;
        }
        if (!cur->is_dir()) return Errno::ENOTDIR;
        bool last = st->rest_empty();
        bool dir_required = last && st->any_trailing_slash();
        if (last) final_dir_required = dir_required;
        if (is_dot(c) || is_dotdot(c)) {
            if (is_dotdot(c)) cur = dotdot(cur);
            if (last) {
                out.last = is_dot(c) ? LastType::Dot : LastType::DotDot;
                out.parent = cur;
            }
            continue;
        }
        if (c.size > kNameMax) return Errno::ENAMETOOLONG;
        if (last && (flags & kParent)) {
            memcpy(out.name, c.data, c.size);
            out.name[c.size] = 0;
            out.name_len = c.size;
            out.last = LastType::Normal;
            out.parent = cur;
        }
        auto child = cur->lookup(c);
        if (child.is_error()) {
            if (child.error() == Errno::ENOENT && last && (flags & kParent)) {
                out.inode = nullptr;
                out.must_be_dir = dir_required;
                return {};
            }
            return child.error();
        }
        lv::RefPtr<Inode> next = cross_mounts(child.release_value());
        bool follow = !last || (flags & kFollowLast) || dir_required;
        if (follow && next->is_symlink()) {
            if (next->is_magic_link()) {
                if (++st->links > kMaxSymlinks) return Errno::ELOOP;
                cur = TRY(next->follow_magic());
                if (last) out.last = LastType::Normal; // the result is the link's target
                continue;
            }
            cur = TRY(push_symlink(*st, *next, cur));
            // A final symlink's target may itself end in "." or "..": start afresh.
            if (last) out.last = LastType::Root;
            continue;
        }
        cur = next;
    }
    out.must_be_dir = final_dir_required;
    // With kParent the caller picks the errno (mkdir "file/" is EEXIST, unlink ENOTDIR).
    if (!(flags & kParent) && out.must_be_dir && !cur->is_dir()) return Errno::ENOTDIR;
    if (!out.parent) out.parent = cur; // "/" or a path of "." and "..": its own parent
    out.inode = cur;
    return {};
}

ErrorOr<lv::RefPtr<Inode>> resolve(Inode& base, lv::StringView path, bool follow_last) {
    auto* r = lv::make<WalkResult>();
    if (!r) return Errno::ENOMEM;
    auto res = walk(base, path, follow_last ? u32(kFollowLast) : 0u, *r);
    lv::RefPtr<Inode> inode = r->inode;
    lv::destroy(r);
    if (res.is_error()) return res.error();
    return inode;
}

ErrorOr<size_t> path_of(Inode& start, char* buf, size_t cap) {
    MutexLocker l(vfs_lock());
    // Build from the end of the buffer backwards, then move it to the front.
    size_t pos = cap;
    lv::RefPtr<Inode> cur(&start);
    Inode* root = process_root().get();
    char name[kNameMax + 1];
    size_t hops = 0;
    while (cur.get() != root) {
        if (auto mp = covered_by(*cur); mp && hops++ < kMaxMounts) {
            cur = mp;
            continue;
        }
        if (cur.get() == cur->fs.root.get()) return Errno::ENOENT; // an unmounted filesystem
        auto parent = cur->parent();
        size_t len = 0;
        if (!parent || !parent->name_of(*cur, name, sizeof name, len)) return Errno::ENOENT;
        if (pos < len + 1) return Errno::ERANGE;
        pos -= len;
        memcpy(buf + pos, name, len);
        buf[--pos] = '/';
        cur = parent;
    }
    if (pos == cap) {
        if (cap < 2) return Errno::ERANGE;
        buf[--pos] = '/';
    }
    size_t len = cap - pos;
    if (len + 1 > cap) return Errno::ERANGE;
    memmove(buf, buf + pos, len);
    buf[len] = 0;
    return len;
}
} // namespace fs
