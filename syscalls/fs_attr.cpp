// Attributes: access checks, umask, chmod, chown, utimensat.
#include <fs/fcntl.h>
#include <fs/mutex.h>
#include <kernel/time.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>

using namespace fs;

namespace {
constexpr int kROk = 4, kWOk = 2, kXOk = 1;
constexpr i64 kUtimeNow = (1l << 30) - 1, kUtimeOmit = (1l << 30) - 2;

ErrorOr<long> chmod_inode(Inode& inode, unsigned mode) {
    MutexLocker l(vfs_lock());
    if (inode.fs.read_only) return Errno::EROFS;
    inode.mode = (inode.mode & kIfmt) | (mode & kPermMask);
    inode.touch_ctime();
    return 0;
}

ErrorOr<long> chown_inode(Inode& inode, u32 uid, u32 gid) {
    MutexLocker l(vfs_lock());
    if (inode.fs.read_only) return Errno::EROFS;
    if (uid != ~0u) inode.uid = uid;
    if (gid != ~0u) inode.gid = gid;
    // A change of owner drops set-user-ID, and set-group-ID when it means something
    // (group execute set): chown(2).
    if (!inode.is_dir() && (uid != ~0u || gid != ~0u)) {
        inode.mode &= ~kIsuid;
        if (inode.mode & 010) inode.mode &= ~kIsgid;
    }
    inode.touch_ctime();
    return 0;
}
} // namespace

ErrorOr<long> sys_faccessat2(int dirfd, UserPtr<const char> path, int mode, int flags) {
    if (mode & ~(kROk | kWOk | kXOk)) return Errno::EINVAL;
    if (u32(flags) & ~(kAtEaccess | kAtSymlinkNoFollow | kAtEmptyPath)) return Errno::EINVAL;
    auto inode = TRY(sc::lookup_at(dirfd, path, !(flags & kAtSymlinkNoFollow), flags & kAtEmptyPath));
    // We run as root: read and write are always granted (but not on a read-only fs),
    // execute needs an x bit somewhere unless it is a directory.
    if ((mode & kWOk) && inode->fs.read_only && !inode->is_chardev() && !inode->is_fifo()) return Errno::EROFS;
    if ((mode & kXOk) && !inode->is_dir() && !(inode->mode & 0111)) return Errno::EACCES;
    return 0;
}

ErrorOr<long> sys_faccessat(int dirfd, UserPtr<const char> path, int mode) {
    return sys_faccessat2(dirfd, path, mode, 0);
}

ErrorOr<long> sys_access(UserPtr<const char> path, int mode) { return sys_faccessat2(kAtFdCwd, path, mode, 0); }

ErrorOr<long> sys_umask(unsigned mask) {
    FsContext& c = sc::context();
    u32 old = c.umask;
    c.umask = mask & 0777;
    return long(old);
}

ErrorOr<long> sys_fchmod(int fd, unsigned mode) {
    auto f = TRY(sc::io_file(fd));
    return chmod_inode(*f->inode, mode);
}

ErrorOr<long> sys_fchmodat(int dirfd, UserPtr<const char> path, unsigned mode) {
    auto inode = TRY(sc::lookup_at(dirfd, path, true, false));
    return chmod_inode(*inode, mode);
}

ErrorOr<long> sys_chmod(UserPtr<const char> path, unsigned mode) { return sys_fchmodat(kAtFdCwd, path, mode); }

ErrorOr<long> sys_fchown(int fd, u32 uid, u32 gid) {
    auto f = TRY(sc::io_file(fd));
    return chown_inode(*f->inode, uid, gid);
}

ErrorOr<long> sys_fchownat(int dirfd, UserPtr<const char> path, u32 uid, u32 gid, int flags) {
    if (u32(flags) & ~(kAtSymlinkNoFollow | kAtEmptyPath)) return Errno::EINVAL;
    auto inode = TRY(sc::lookup_at(dirfd, path, !(flags & kAtSymlinkNoFollow), flags & kAtEmptyPath));
    return chown_inode(*inode, uid, gid);
}

ErrorOr<long> sys_chown(UserPtr<const char> path, u32 uid, u32 gid) {
    return sys_fchownat(kAtFdCwd, path, uid, gid, 0);
}

ErrorOr<long> sys_lchown(UserPtr<const char> path, u32 uid, u32 gid) {
    return sys_fchownat(kAtFdCwd, path, uid, gid, int(kAtSymlinkNoFollow));
}

ErrorOr<long> sys_utimensat(int dirfd, UserPtr<const char> path, UserPtr<const void> times, int flags) {
    if (u32(flags) & ~(kAtSymlinkNoFollow | kAtEmptyPath)) return Errno::EINVAL;
    KTimespec ts[2];
    bool now[2] = {true, true}, omit[2] = {false, false};
    if (!times.is_null()) {
        TRY(UserPtr<KTimespec>(times.addr()).read_array(ts, 2));
        for (int i = 0; i < 2; i++) {
            if (ts[i].nsec == kUtimeOmit) omit[i] = true;
            else if (ts[i].nsec == kUtimeNow) now[i] = true;
            else if (ts[i].nsec < 0 || ts[i].nsec >= 1000000000) return Errno::EINVAL;
            else now[i] = false;
            if (omit[i]) now[i] = false;
        }
        if (omit[0] && omit[1]) return 0; // nothing to do, not even a lookup (utimensat(2))
    }
    lv::RefPtr<Inode> inode;
    if (path.is_null()) {
        // Linux quirk: a NULL path works on dirfd itself (what futimens does).
        if (dirfd == kAtFdCwd) return Errno::EFAULT;
        inode = TRY(sc::file(dirfd))->inode;
    } else {
        inode = TRY(sc::lookup_at(dirfd, path, !(flags & kAtSymlinkNoFollow), flags & kAtEmptyPath));
    }
    return sc::set_times(*inode, omit[0] ? nullptr : now[0] ? &sc::kTimeNow : &ts[0],
                         omit[1] ? nullptr : now[1] ? &sc::kTimeNow : &ts[1]);
}

namespace fs::sc {
const KTimespec kTimeNow {-1, -1};

ErrorOr<long> set_times(Inode& inode, const KTimespec* atime, const KTimespec* mtime) {
    MutexLocker l(vfs_lock());
    if (inode.fs.read_only) return Errno::EROFS;
    KTimespec t = kernel::time::realtime_now();
    if (atime) inode.atime = atime == &kTimeNow ? t : *atime;
    if (mtime) inode.mtime = mtime == &kTimeNow ? t : *mtime;
    inode.ctime = t;
    return 0;
}
} // namespace fs::sc
