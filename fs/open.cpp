#include <fs/mutex.h>
#include <fs/open.h>
#include <fs/vfs.h>

namespace fs {
namespace {
bool wants_write(u32 flags) {
    u32 acc = flags & kOAccMode;
    return acc == kOWrOnly || acc == kORdWr;
}

ErrorOr<lv::RefPtr<File>> open_tmpfile(Inode& base, lv::StringView path, u32 flags, u32 mode, u32 umask) {
    // O_TMPFILE: an unnamed regular file in the given directory; it must be writable.
    if (!wants_write(flags)) return Errno::EINVAL;
    auto dir = TRY(resolve(base, path, true));
    if (!dir->is_dir()) return Errno::ENOTDIR;
    if (dir->fs.read_only) return Errno::EROFS;
    // Create under a name nobody can guess, then unlink it at once.
    char name[32] = ".lv_tmpfile_";
    static u32 counter = 0;
    u32 n = ++counter;
    size_t len = 12;
    do { name[len++] = char('a' + n % 26); n /= 26; } while (n);
    name[len] = 0;
    auto inode = TRY(dir->create(lv::StringView(name, len), kIfreg | (mode & ~umask & kPermMask), 0));
    TRY(dir->unlink(lv::StringView(name, len), false));
    inode->linkable = !(flags & kOExcl);
    return File::create(inode, flags & ~kOTmpfile);
}
} // namespace

ErrorOr<lv::RefPtr<File>> open_inode(lv::RefPtr<Inode> inode, u32 flags) {
    if (flags & kOPath) {
        if ((flags & kODirectory) && !inode->is_dir()) return Errno::ENOTDIR;
        return File::create(inode, flags & (kOPath | kODirectory | kONoFollow | kOCloExec));
    }
    if (inode->is_symlink()) return Errno::ELOOP; // O_NOFOLLOW met a symlink
    if ((flags & kODirectory) && !inode->is_dir()) return Errno::ENOTDIR;
    if (inode->is_dir() && (wants_write(flags) || (flags & (kOTrunc | kOCreat)))) return Errno::EISDIR;
    if (wants_write(flags) && inode->fs.read_only && !inode->is_chardev() && !inode->is_fifo() &&
        !inode->writable_tunable())
        return Errno::EROFS;
    if ((flags & kOTrunc) && inode->is_regular()) {
        // Not a running program's file (ETXTBSY): the File made below takes its own.
        TRY(inode->get_write_access());
        MutexLocker l(vfs_lock());
        auto r = inode->truncate(0);
        inode->put_write_access();
        TRY(r);
    }
    return File::create(inode, flags);
}

ErrorOr<lv::RefPtr<File>> open_path(Inode& base, lv::StringView path, u32 flags, u32 mode, u32 umask) {
    if ((flags & kOTmpfile) == kOTmpfile) return open_tmpfile(base, path, flags, mode, umask);
    if (flags & kOTmpfileBit) return Errno::EINVAL; // __O_TMPFILE without O_DIRECTORY
    if (flags & kOPath) flags &= kOPath | kODirectory | kONoFollow | kOCloExec;
    // Linux 6.4+: O_CREAT with O_DIRECTORY is EINVAL.
    if ((flags & kOCreat) && (flags & kODirectory)) return Errno::EINVAL;

    // Walk to the last component (keeping its directory and name for /proc/self/fd).
    // O_EXCL never follows a final symlink (a dangling one is EEXIST); otherwise with
    // O_CREAT a dangling symlink's target gets created.
    bool follow = !(flags & kONoFollow) && !((flags & kOCreat) && (flags & kOExcl));
    auto* w = lv::make<WalkResult>();
    if (!w) return Errno::ENOMEM;
    struct Free {
        WalkResult* w;
        ~Free() { lv::destroy(w); }
    } free_walk {w};
    lv::RefPtr<Inode> inode;
    bool created = false;
    {
        MutexLocker l(vfs_lock()); // walk and create as one step; not the open: a FIFO may block
        TRY(walk(base, path, kParent | (follow ? u32(kFollowLast) : 0u), *w));
        if (!(flags & kOCreat)) {
            if (!w->inode) return Errno::ENOENT;
            if (w->must_be_dir && !w->inode->is_dir()) return Errno::ENOTDIR;
        } else if (w->last != LastType::Normal) {
            return Errno::EISDIR; // open(".", O_CREAT)
        } else if (w->inode) {
            if (flags & kOExcl) return Errno::EEXIST;
            if (w->must_be_dir && !w->inode->is_dir()) return Errno::ENOTDIR;
        } else {
            if (w->must_be_dir) return Errno::EISDIR; // open("new/", O_CREAT)
            if (w->parent->fs.read_only) return Errno::EROFS;
            w->inode = TRY(w->parent->create(w->last_name(), kIfreg | (mode & ~umask & kPermMask), 0));
            created = true;
        }
        inode = w->inode;
    }
    // A new file needs no truncation, and write access is granted whatever its mode.
    auto file = TRY(created ? File::create(inode, flags) : open_inode(inode, flags));
    if (w->last == LastType::Normal) file->set_name(w->parent, w->last_name());
    return file;
}
} // namespace fs
