// Names: rename, link, symlink, readlink.
#include <fs/fcntl.h>
#include <fs/mutex.h>
#include <fs/vfs.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>

using namespace fs;

ErrorOr<long> sys_renameat2(int olddirfd, UserPtr<const char> oldpath, int newdirfd, UserPtr<const char> newpath,
                            unsigned flags) {
    sc::UserPath from, to;
    TRY(from.copy(oldpath));
    TRY(to.copy(newpath));
    if (from.empty() || to.empty()) return Errno::ENOENT;
    auto old_base = TRY(sc::base_dir(olddirfd, from.view()));
    auto new_base = TRY(sc::base_dir(newdirfd, to.view()));
    TRY(rename(*old_base, from.view(), *new_base, to.view(), flags));
    return 0;
}

ErrorOr<long> sys_renameat(int olddirfd, UserPtr<const char> oldpath, int newdirfd, UserPtr<const char> newpath) {
    return sys_renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

ErrorOr<long> sys_rename(UserPtr<const char> oldpath, UserPtr<const char> newpath) {
    return sys_renameat2(kAtFdCwd, oldpath, kAtFdCwd, newpath, 0);
}

ErrorOr<long> sys_linkat(int olddirfd, UserPtr<const char> oldpath, int newdirfd, UserPtr<const char> newpath,
                         int flags) {
    if (u32(flags) & ~(kAtSymlinkFollow | kAtEmptyPath)) return Errno::EINVAL;
    sc::UserPath from, to;
    TRY(from.copy(oldpath));
    TRY(to.copy(newpath));
    if (to.empty()) return Errno::ENOENT;
    auto new_base = TRY(sc::base_dir(newdirfd, to.view()));
    if (from.empty()) {
        // AT_EMPTY_PATH: link the file open at olddirfd (e.g. an O_TMPFILE).
        if (!(flags & kAtEmptyPath)) return Errno::ENOENT;
        auto f = TRY(sc::file(olddirfd));
        Inode& target = *f->inode;
        if (target.is_dir()) return Errno::EPERM;
        if (target.nlink == 0 && !target.linkable) return Errno::ENOENT;
        MutexLocker l(vfs_lock());
        auto* w = lv::make<WalkResult>();
        if (!w) return Errno::ENOMEM;
        struct Free {
            WalkResult* w;
            ~Free() { lv::destroy(w); }
        } free_walk {w};
        TRY(walk(*new_base, to.view(), kParent, *w));
        if (w->last != LastType::Normal || w->inode) return Errno::EEXIST;
        if (&w->parent->fs != &target.fs) return Errno::EXDEV;
        TRY(w->parent->link(w->last_name(), target));
        target.linkable = false;
        return 0;
    }
    auto old_base = TRY(sc::base_dir(olddirfd, from.view()));
    TRY(make_link(*old_base, from.view(), *new_base, to.view(), flags & kAtSymlinkFollow));
    return 0;
}

ErrorOr<long> sys_link(UserPtr<const char> oldpath, UserPtr<const char> newpath) {
    return sys_linkat(kAtFdCwd, oldpath, kAtFdCwd, newpath, 0);
}

ErrorOr<long> sys_symlinkat(UserPtr<const char> target, int newdirfd, UserPtr<const char> linkpath) {
    sc::UserPath t, l;
    TRY(t.copy(target));
    TRY(l.copy(linkpath));
    if (t.empty() || l.empty()) return Errno::ENOENT;
    auto base = TRY(sc::base_dir(newdirfd, l.view()));
    TRY(make_symlink(t.view(), *base, l.view()));
    return 0;
}

ErrorOr<long> sys_symlink(UserPtr<const char> target, UserPtr<const char> linkpath) {
    return sys_symlinkat(target, kAtFdCwd, linkpath);
}

namespace {
ErrorOr<size_t> readlink_into(int dirfd, const sc::UserPath& p, char* k) {
    if (p.empty()) {
        // An empty path reads the symlink open at dirfd (O_PATH|O_NOFOLLOW).
        auto f = TRY(sc::file(dirfd));
        if (!f->inode->is_symlink()) return Errno::ENOENT;
        MutexLocker l(vfs_lock());
        return f->inode->readlink(k, kPathMax);
    }
    auto base = TRY(sc::base_dir(dirfd, p.view()));
    return readlink(*base, p.view(), k, kPathMax);
}
} // namespace

ErrorOr<long> sys_readlinkat(int dirfd, UserPtr<const char> path, UserPtr<char> buf, int bufsiz) {
    if (bufsiz <= 0) return Errno::EINVAL;
    sc::UserPath p;
    TRY(p.copy(path));
    char* k = static_cast<char*>(kmalloc(kPathMax));
    if (!k) return Errno::ENOMEM;
    auto len = readlink_into(dirfd, p, k);
    Errno err {};
    size_t n = 0;
    if (len.is_error()) {
        err = len.error();
    } else {
        n = min<size_t>(len.value(), size_t(bufsiz)); // truncated silently, no NUL (readlink(2))
        if (auto r = buf.write_array(k, n); r.is_error()) err = r.error();
    }
    kfree(k);
    if (err != Errno {}) return err;
    return long(n);
}

ErrorOr<long> sys_readlink(UserPtr<const char> path, UserPtr<char> buf, int bufsiz) {
    return sys_readlinkat(kAtFdCwd, path, buf, bufsiz);
}
