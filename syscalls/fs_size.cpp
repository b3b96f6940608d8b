// File size and durability: truncate, fallocate, fsync & co. (ramfs: nothing to flush;
// ext2: written back to its disk).
#include <drivers/init.h>
#include <fs/fcntl.h>
#include <fs/mutex.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>

using namespace fs;

namespace {
ErrorOr<long> truncate_inode(Inode& inode, i64 length) {
    if (length < 0) return Errno::EINVAL;
    if (inode.is_dir()) return Errno::EISDIR;
    if (!inode.is_regular()) return Errno::EINVAL;
    TRY(inode.get_write_access()); // ETXTBSY for a running program's file
    MutexLocker l(vfs_lock());
    auto r = inode.fs.read_only ? ErrorOr<void>(Errno::EROFS) : inode.truncate(u64(length));
    inode.put_write_access();
    TRY(r);
    return 0;
}

ErrorOr<long> sync_fd(int fd) {
    auto f = TRY(sc::io_file(fd));
    // Block devices write back their cached pages (blkdev_fsync).
    if (f->inode->type() == kIfblk) {
        TRY(drivers::sync_block_device(f->inode->rdev));
        return 0;
    }
    // Pipes, sockets and ttys have no fsync: EINVAL, as Linux.
    if (!f->inode->is_regular() && !f->inode->is_dir()) return Errno::EINVAL;
    TRY(f->inode->fsync());
    return 0;
}
} // namespace

ErrorOr<long> sys_truncate(UserPtr<const char> path, i64 length) {
    auto inode = TRY(sc::lookup_at(kAtFdCwd, path, true, false));
    return truncate_inode(*inode, length);
}

ErrorOr<long> sys_ftruncate(int fd, i64 length) {
    auto f = TRY(sc::io_file(fd));
    if (length < 0) return Errno::EINVAL;
    if (!f->inode->is_regular() || !f->writable()) return Errno::EINVAL;
    return truncate_inode(*f->inode, length);
}

ErrorOr<long> sys_fallocate(int fd, int mode, i64 offset, i64 len) {
    constexpr int kKeepSize = 1, kPunchHole = 2, kZeroRange = 0x10;
    auto f = TRY(sc::io_file(fd));
    if (offset < 0 || len <= 0) return Errno::EINVAL;
    if (!f->writable()) return Errno::EBADF;
    if (f->inode->is_fifo()) return Errno::ESPIPE;
    if (f->inode->is_dir()) return Errno::EISDIR;
    if (!f->inode->is_regular()) return Errno::ENODEV;
    if ((mode & kPunchHole) && !(mode & kKeepSize)) return Errno::EINVAL;
    if (mode & ~(kKeepSize | kPunchHole | kZeroRange)) return Errno::EOPNOTSUPP;
    u64 end;
    if (__builtin_add_overflow(u64(offset), u64(len), &end) || i64(end) < 0) return Errno::EFBIG;
    // Only ramfs preallocates; ext2 has no fallocate, as on Linux.
    if (f->inode->fs.magic != kTmpfsMagic) return Errno::EOPNOTSUPP;
    auto& file = static_cast<RamFile&>(*f->inode); // ramfs' regular files
    // tmpfs has no FALLOC_FL_ZERO_RANGE (Linux's shmem_fallocate: EOPNOTSUPP), nor is
    // it ever combined with a punch.
    if (mode & kZeroRange) return Errno::EOPNOTSUPP;
    MutexLocker l(vfs_lock());
    if (mode & kPunchHole) {
        TRY(file.punch_hole(u64(offset), u64(len))); // pages freed, and unmapped everywhere
        return 0;
    }
    TRY(file.allocate(u64(offset), u64(len)));
    if (!(mode & kKeepSize) && end > file.size) {
        file.size = end;
        file.touch_mtime();
    }
    return 0;
}

ErrorOr<long> sys_fsync(int fd) { return sync_fd(fd); }
ErrorOr<long> sys_fdatasync(int fd) { return sync_fd(fd); }
ErrorOr<long> sys_sync() {
    fs::sync_filesystems(); // sync(2) reports nothing
    drivers::sync_disks();
    return 0;
}

ErrorOr<long> sys_syncfs(int fd) {
    auto f = TRY(sc::io_file(fd));
    TRY(f->inode->fs.sync());
    return 0;
}
