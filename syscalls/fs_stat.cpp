// stat and friends, statx, statfs.
#include <arch/abi.h>
#include <fs/fcntl.h>
#include <fs/mutex.h>
#include <fs/vfs.h>
#include <mm/phys.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>

using namespace fs;

namespace {
// struct statx (include/uapi/linux/stat.h), the same on every architecture.
struct StatxTimestamp {
    i64 tv_sec;
    u32 tv_nsec;
    i32 reserved;
};
struct Statx {
    u32 mask, blksize;
    u64 attributes;
    u32 nlink, uid, gid;
    u16 mode, spare0;
    u64 ino, size, blocks, attributes_mask;
    StatxTimestamp atime, btime, ctime, mtime;
    u32 rdev_major, rdev_minor, dev_major, dev_minor;
    u64 mnt_id;
    u32 dio_mem_align, dio_offset_align;
    u64 spare3[12];
};
static_assert(sizeof(Statx) == 256);
static_assert(__builtin_offsetof(Statx, atime) == 0x40);
static_assert(__builtin_offsetof(Statx, rdev_major) == 0x80);

constexpr u32 kStatxBasicStats = 0x7ff, kStatxMntId = 0x1000, kStatxReserved = 0x80000000u;

// struct statfs for 64-bit Linux (x86_64 and the asm-generic layout agree).
struct LinuxStatfs {
    i64 f_type, f_bsize;
    u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    i32 f_fsid[2];
    i64 f_namelen, f_frsize, f_flags, f_spare[4];
};
static_assert(sizeof(LinuxStatfs) == 120);

ErrorOr<long> put_stat(Inode& inode, UserPtr<void> st) {
    KStat k;
    {
        MutexLocker l(vfs_lock());
        k = inode.stat();
    }
    TRY(UserPtr<arch::LinuxStat>(st.addr()).write(arch::to_linux_stat(k)));
    return 0;
}

ErrorOr<long> put_statfs(Inode& inode, UserPtr<void> buf) {
    LinuxStatfs s {};
    FileSystem& f = inode.fs;
    s.f_type = i64(f.magic);
    s.f_bsize = s.f_frsize = 4096;
    // ramfs has no size of its own: report memory, as tmpfs does by default.
    s.f_blocks = mm::total_memory_bytes() / 4096;
    s.f_bfree = s.f_bavail = mm::free_memory_bytes() / 4096;
    s.f_files = s.f_blocks;
    s.f_ffree = s.f_bfree;
    s.f_namelen = kNameMax;
    StatFs own; // filesystems on a device (ext2) know their own numbers
    {
        MutexLocker l(vfs_lock());
        if (f.statfs(own)) {
            s.f_bsize = s.f_frsize = i64(own.block_size);
            s.f_blocks = own.blocks, s.f_bfree = own.blocks_free, s.f_bavail = own.blocks_avail;
            s.f_files = own.files, s.f_ffree = own.files_free;
            s.f_namelen = i64(own.name_max);
        }
    }
    s.f_fsid[0] = i32(f.dev);
    s.f_flags = f.read_only ? 1 : 0; // ST_RDONLY
    TRY(UserPtr<LinuxStatfs>(buf.addr()).write(s));
    return 0;
}
} // namespace

ErrorOr<long> sys_newfstatat(int dirfd, UserPtr<const char> path, UserPtr<void> st, int flags) {
    if (u32(flags) & ~(kAtSymlinkNoFollow | kAtNoAutomount | kAtEmptyPath)) return Errno::EINVAL;
    auto inode = TRY(sc::lookup_at(dirfd, path, !(flags & kAtSymlinkNoFollow), flags & kAtEmptyPath));
    return put_stat(*inode, st);
}

ErrorOr<long> sys_fstat(int fd, UserPtr<void> st) {
    auto f = TRY(sc::file(fd));
    return put_stat(*f->inode, st);
}

ErrorOr<long> sys_stat(UserPtr<const char> path, UserPtr<void> st) {
    return sys_newfstatat(kAtFdCwd, path, st, 0);
}

ErrorOr<long> sys_lstat(UserPtr<const char> path, UserPtr<void> st) {
    return sys_newfstatat(kAtFdCwd, path, st, int(kAtSymlinkNoFollow));
}

ErrorOr<long> sys_statx(int dirfd, UserPtr<const char> path, unsigned flags, unsigned mask, UserPtr<void> buf) {
    if (flags & ~(kAtSymlinkNoFollow | kAtNoAutomount | kAtEmptyPath | kAtStatxSyncMask)) return Errno::EINVAL;
    if ((flags & kAtStatxSyncMask) == kAtStatxSyncMask) return Errno::EINVAL;
    if (mask & kStatxReserved) return Errno::EINVAL;
    auto inode = TRY(sc::lookup_at(dirfd, path, !(flags & kAtSymlinkNoFollow), flags & kAtEmptyPath));
    KStat k;
    {
        MutexLocker l(vfs_lock());
        k = inode->stat();
    }
    Statx s {};
    s.mask = kStatxBasicStats | kStatxMntId;
    s.blksize = u32(k.blksize);
    s.nlink = u32(k.nlink);
    s.uid = k.uid;
    s.gid = k.gid;
    s.mode = u16(k.mode);
    s.ino = k.ino;
    s.size = u64(k.size);
    s.blocks = u64(k.blocks);
    s.atime = {k.atime.sec, u32(k.atime.nsec), 0};
    s.mtime = {k.mtime.sec, u32(k.mtime.nsec), 0};
    s.ctime = {k.ctime.sec, u32(k.ctime.nsec), 0};
    s.rdev_major = dev_major(k.rdev);
    s.rdev_minor = dev_minor(k.rdev);
    s.dev_major = dev_major(k.dev);
    s.dev_minor = dev_minor(k.dev);
    s.mnt_id = k.dev;
    TRY(UserPtr<Statx>(buf.addr()).write(s));
    return 0;
}

ErrorOr<long> sys_statfs(UserPtr<const char> path, UserPtr<void> buf) {
    auto inode = TRY(sc::lookup_at(kAtFdCwd, path, true, false));
    return put_statfs(*inode, buf);
}

ErrorOr<long> sys_fstatfs(int fd, UserPtr<void> buf) {
    auto f = TRY(sc::file(fd));
    return put_statfs(*f->inode, buf);
}
