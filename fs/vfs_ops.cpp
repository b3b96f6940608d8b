// Tree operations over path names, with the errno rules of Linux's fs/namei.c.
#include <fs/mutex.h>
#include <fs/vfs.h>

namespace fs {
namespace {
// WalkResult is too big for the kernel stack in nested calls: keep it on the heap.
struct Walk {
    WalkResult* r = lv::make<WalkResult>();
    ~Walk() { lv::destroy(r); }
    WalkResult* operator->() { return r; }
};

bool is_mount_root(Inode& i) LV_REQUIRES(vfs_lock()) { return &i == i.fs.root.get() || covered_by(i); }

ErrorOr<void> parent_walk(Walk& w, Inode& base, lv::StringView path, u32 flags = 0) {
    if (!w.r) return Errno::ENOMEM;
    TRY(walk(base, path, flags | kParent, *w.r));
    if (w->parent->fs.read_only && w->last == LastType::Normal) return Errno::EROFS;
    return {};
}

// True when `dir` is `ancestor` or lies below it (within one filesystem).
bool is_within(Inode& dir, Inode& ancestor) {
    lv::RefPtr<Inode> cur(&dir);
    for (;;) {
        if (cur.get() == &ancestor) return true;
        auto p = cur->parent();
        if (!p || p.get() == cur.get()) return false;
        cur = p;
    }
}
} // namespace

ErrorOr<lv::RefPtr<Inode>> make_node(Inode& base, lv::StringView path, u32 mode, u64 rdev) {
    MutexLocker l(vfs_lock());
    Walk w;
    TRY(parent_walk(w, base, path));
    if (w->last != LastType::Normal || w->inode) return Errno::EEXIST;
    // "name/" may only create a directory (filename_create in Linux).
    if (w->must_be_dir && (mode & kIfmt) != kIfdir) return Errno::ENOENT;
    return w->parent->create(w->last_name(), mode, rdev);
}

ErrorOr<void> remove(Inode& base, lv::StringView path, bool rmdir) {
    MutexLocker l(vfs_lock());
    Walk w;
    TRY(parent_walk(w, base, path));
    if (rmdir) {
        if (w->last == LastType::Dot) return Errno::EINVAL;
        if (w->last == LastType::DotDot) return Errno::ENOTEMPTY;
        if (w->last == LastType::Root) return Errno::EBUSY;
    } else if (w->last != LastType::Normal) {
        return Errno::EISDIR;
    }
    if (!w->inode) return Errno::ENOENT;
    if (!rmdir && w->must_be_dir) return w->inode->is_dir() ? Errno::EISDIR : Errno::ENOTDIR;
    if (is_mount_root(*w->inode)) return Errno::EBUSY;
    if (w->parent->fs.read_only) return Errno::EROFS;
    return w->parent->unlink(w->last_name(), rmdir);
}

ErrorOr<void> make_symlink(lv::StringView target, Inode& base, lv::StringView path) {
    if (target.empty()) return Errno::ENOENT;
    if (target.size >= kPathMax) return Errno::ENAMETOOLONG;
    MutexLocker l(vfs_lock());
    Walk w;
    TRY(parent_walk(w, base, path));
    if (w->last != LastType::Normal || w->inode) return Errno::EEXIST;
    if (w->must_be_dir) return Errno::ENOENT;
    TRY(w->parent->symlink(w->last_name(), target));
    return {};
}

ErrorOr<void> make_link(Inode& old_base, lv::StringView old_path, Inode& new_base, lv::StringView new_path,
                        bool follow) {
    MutexLocker l(vfs_lock());
    auto old = TRY(resolve(old_base, old_path, follow));
    if (old->is_dir()) return Errno::EPERM;
    // An unlinked file reached through /proc/self/fd stays unlinked, unless O_TMPFILE.
    if (old->nlink == 0 && !old->linkable) return Errno::ENOENT;
    Walk w;
    TRY(parent_walk(w, new_base, new_path));
    if (w->last != LastType::Normal || w->inode) return Errno::EEXIST;
    if (w->must_be_dir) return Errno::ENOENT;
    if (&w->parent->fs != &old->fs) return Errno::EXDEV;
    TRY(w->parent->link(w->last_name(), *old));
    old->linkable = false;
    return {};
}

ErrorOr<void> rename(Inode& old_base, lv::StringView old_path, Inode& new_base, lv::StringView new_path,
                     u32 flags) {
    if (flags & ~(kRenameNoReplace | kRenameExchange | kRenameWhiteout)) return Errno::EINVAL;
    if ((flags & kRenameExchange) && (flags & (kRenameNoReplace | kRenameWhiteout))) return Errno::EINVAL;
    if (flags & kRenameWhiteout) return Errno::EINVAL; // FIXME: whiteouts (overlayfs) are not supported
    MutexLocker l(vfs_lock());
    Walk from, to;
    TRY(parent_walk(from, old_base, old_path));
    TRY(parent_walk(to, new_base, new_path));
    if (from->last != LastType::Normal) return Errno::EBUSY;
    if (to->last != LastType::Normal) return (flags & kRenameNoReplace) ? Errno::EEXIST : Errno::EBUSY;
    if (!from->inode) return Errno::ENOENT;
    if ((flags & kRenameExchange) && !to->inode) return Errno::ENOENT;
    // Before the same-file shortcut below: renaming a file onto itself is EEXIST here.
    if ((flags & kRenameNoReplace) && to->inode) return Errno::EEXIST;
    Inode& moving = *from->inode;
    // A trailing slash on either name requires the source to be a directory.
    if (!moving.is_dir() && (from->must_be_dir || (to->must_be_dir && !(flags & kRenameExchange))))
        return Errno::ENOTDIR;
    if (&from->parent->fs != &to->parent->fs) return Errno::EXDEV;
    if (is_mount_root(moving) || (to->inode && is_mount_root(*to->inode))) return Errno::EBUSY;
    if (to->inode.get() == &moving) return {};
    // A directory cannot move below itself (EINVAL); with EXCHANGE, neither can the other.
    if (moving.is_dir() && is_within(*to->parent, moving)) return Errno::EINVAL;
    if ((flags & kRenameExchange) && to->inode->is_dir() && is_within(*from->parent, *to->inode))
        return Errno::EINVAL;
    // The target being an ancestor of the source: it is not empty (rename("a/b", "a")).
    if (to->inode && !(flags & kRenameExchange) && to->inode->is_dir() && moving.is_dir() &&
        is_within(*from->parent, *to->inode))
        return Errno::ENOTEMPTY;
    return from->parent->rename(from->last_name(), *to->parent, to->last_name(), flags);
}

ErrorOr<size_t> readlink(Inode& base, lv::StringView path, char* buf, size_t cap) {
    MutexLocker l(vfs_lock());
    auto inode = TRY(resolve(base, path, false));
    if (!inode->is_symlink()) return Errno::EINVAL;
    inode->touch_atime();
    return inode->readlink(buf, cap);
}
} // namespace fs
