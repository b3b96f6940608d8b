// File and filesystem syscalls (the implementations are in syscalls/fs_*.cpp, one
// family per file; the objects behind them in fs/).
#pragma once
#include <kernel/sync/giant.h>
#include <lib/result.h>
#include <mm/user_ptr.h>

// fs_read_write.cpp
ErrorOr<long> sys_read(int fd, UserPtr<u8> buf, size_t count);
ErrorOr<long> sys_write(int fd, UserPtr<const u8> buf, size_t count);
ErrorOr<long> sys_readv(int fd, UserPtr<const void> iov, unsigned long vlen);
ErrorOr<long> sys_writev(int fd, UserPtr<const void> iov, unsigned long vlen);
ErrorOr<long> sys_pread64(int fd, UserPtr<u8> buf, size_t count, i64 pos);
ErrorOr<long> sys_pwrite64(int fd, UserPtr<const u8> buf, size_t count, i64 pos);
ErrorOr<long> sys_preadv(int fd, UserPtr<const void> iov, unsigned long vlen, u64 pos_l, u64 pos_h);
ErrorOr<long> sys_pwritev(int fd, UserPtr<const void> iov, unsigned long vlen, u64 pos_l, u64 pos_h);
ErrorOr<long> sys_lseek(int fd, i64 offset, unsigned whence);
ErrorOr<long> sys_sendfile(int out_fd, int in_fd, UserPtr<i64> offset, size_t count);
ErrorOr<long> sys_copy_file_range(int fd_in, UserPtr<i64> off_in, int fd_out, UserPtr<i64> off_out, size_t len,
                                  unsigned flags);

// fs_open.cpp
ErrorOr<long> sys_openat(int dirfd, UserPtr<const char> path, int flags, unsigned mode);
ErrorOr<long> sys_open(UserPtr<const char> path, int flags, unsigned mode);
ErrorOr<long> sys_creat(UserPtr<const char> path, unsigned mode);
ErrorOr<long> sys_close(int fd);
ErrorOr<long> sys_close_range(unsigned first, unsigned last, unsigned flags);

// fs_stat.cpp
ErrorOr<long> sys_newfstatat(int dirfd, UserPtr<const char> path, UserPtr<void> st, int flags);
ErrorOr<long> sys_fstat(int fd, UserPtr<void> st);
ErrorOr<long> sys_stat(UserPtr<const char> path, UserPtr<void> st);
ErrorOr<long> sys_lstat(UserPtr<const char> path, UserPtr<void> st);
ErrorOr<long> sys_statx(int dirfd, UserPtr<const char> path, unsigned flags, unsigned mask, UserPtr<void> buf);
ErrorOr<long> sys_statfs(UserPtr<const char> path, UserPtr<void> buf);
ErrorOr<long> sys_fstatfs(int fd, UserPtr<void> buf);

// fs_dir.cpp
ErrorOr<long> sys_getdents64(int fd, UserPtr<u8> buf, unsigned count);
ErrorOr<long> sys_getdents(int fd, UserPtr<u8> buf, unsigned count);
ErrorOr<long> sys_mkdirat(int dirfd, UserPtr<const char> path, unsigned mode);
ErrorOr<long> sys_mkdir(UserPtr<const char> path, unsigned mode);
ErrorOr<long> sys_mknodat(int dirfd, UserPtr<const char> path, unsigned mode, unsigned dev);
ErrorOr<long> sys_mknod(UserPtr<const char> path, unsigned mode, unsigned dev);
ErrorOr<long> sys_unlinkat(int dirfd, UserPtr<const char> path, int flags);
ErrorOr<long> sys_unlink(UserPtr<const char> path);
ErrorOr<long> sys_rmdir(UserPtr<const char> path);
ErrorOr<long> sys_chdir(UserPtr<const char> path);
ErrorOr<long> sys_fchdir(int fd);
ErrorOr<long> sys_getcwd(UserPtr<char> buf, size_t size);
ErrorOr<long> sys_chroot(UserPtr<const char> path);

// fs_link.cpp
ErrorOr<long> sys_renameat2(int olddirfd, UserPtr<const char> oldpath, int newdirfd, UserPtr<const char> newpath,
                            unsigned flags);
ErrorOr<long> sys_renameat(int olddirfd, UserPtr<const char> oldpath, int newdirfd, UserPtr<const char> newpath);
ErrorOr<long> sys_rename(UserPtr<const char> oldpath, UserPtr<const char> newpath);
ErrorOr<long> sys_linkat(int olddirfd, UserPtr<const char> oldpath, int newdirfd, UserPtr<const char> newpath,
                         int flags);
ErrorOr<long> sys_link(UserPtr<const char> oldpath, UserPtr<const char> newpath);
ErrorOr<long> sys_symlinkat(UserPtr<const char> target, int newdirfd, UserPtr<const char> linkpath);
ErrorOr<long> sys_symlink(UserPtr<const char> target, UserPtr<const char> linkpath);
ErrorOr<long> sys_readlinkat(int dirfd, UserPtr<const char> path, UserPtr<char> buf, int bufsiz);
ErrorOr<long> sys_readlink(UserPtr<const char> path, UserPtr<char> buf, int bufsiz);

// fs_fd.cpp
ErrorOr<long> sys_dup(int fd);
ErrorOr<long> sys_dup2(int oldfd, int newfd);
ErrorOr<long> sys_dup3(int oldfd, int newfd, int flags);
ErrorOr<long> sys_fcntl(int fd, int cmd, u64 arg);
ErrorOr<long> sys_ioctl(int fd, unsigned cmd, u64 arg) LV_REQUIRES_GIANT;
ErrorOr<long> sys_pipe(UserPtr<int> fds);
ErrorOr<long> sys_pipe2(UserPtr<int> fds, int flags);

// fs_attr.cpp
ErrorOr<long> sys_faccessat(int dirfd, UserPtr<const char> path, int mode);
ErrorOr<long> sys_faccessat2(int dirfd, UserPtr<const char> path, int mode, int flags);
ErrorOr<long> sys_access(UserPtr<const char> path, int mode);
ErrorOr<long> sys_umask(unsigned mask);
ErrorOr<long> sys_fchmod(int fd, unsigned mode);
ErrorOr<long> sys_fchmodat(int dirfd, UserPtr<const char> path, unsigned mode);
ErrorOr<long> sys_chmod(UserPtr<const char> path, unsigned mode);
ErrorOr<long> sys_fchown(int fd, u32 uid, u32 gid);
ErrorOr<long> sys_fchownat(int dirfd, UserPtr<const char> path, u32 uid, u32 gid, int flags);
ErrorOr<long> sys_chown(UserPtr<const char> path, u32 uid, u32 gid);
ErrorOr<long> sys_lchown(UserPtr<const char> path, u32 uid, u32 gid);
ErrorOr<long> sys_utimensat(int dirfd, UserPtr<const char> path, UserPtr<const void> times, int flags);

// fs_size.cpp
ErrorOr<long> sys_truncate(UserPtr<const char> path, i64 length);
ErrorOr<long> sys_ftruncate(int fd, i64 length);
ErrorOr<long> sys_fallocate(int fd, int mode, i64 offset, i64 len);
ErrorOr<long> sys_fsync(int fd);
ErrorOr<long> sys_fdatasync(int fd);
ErrorOr<long> sys_sync();
ErrorOr<long> sys_syncfs(int fd);

// fs_mount.cpp
ErrorOr<long> sys_mount(UserPtr<const char> source, UserPtr<const char> target, UserPtr<const char> fstype,
                        unsigned long flags, UserPtr<const void> data);
ErrorOr<long> sys_umount2(UserPtr<const char> target, int flags);

// fs_misc.cpp
ErrorOr<long> sys_fadvise64(int fd, i64 offset, i64 len, int advice);
ErrorOr<long> sys_readahead(int fd, i64 offset, size_t count);
ErrorOr<long> sys_flock(int fd, unsigned op);
ErrorOr<long> sys_preadv2(int fd, UserPtr<const void> iov, unsigned long vlen, u64 pos_l, u64 pos_h, int flags);
ErrorOr<long> sys_pwritev2(int fd, UserPtr<const void> iov, unsigned long vlen, u64 pos_l, u64 pos_h, int flags);
ErrorOr<long> sys_utimes(UserPtr<const char> path, UserPtr<const void> times);
ErrorOr<long> sys_futimesat(int dirfd, UserPtr<const char> path, UserPtr<const void> times);
ErrorOr<long> sys_utime(UserPtr<const char> path, UserPtr<const void> times);

#define LV_SYSCALLS_FS(X)                                                                            \
    X(read) X(write) X(readv) X(writev) X(pread64) X(pwrite64) X(preadv) X(pwritev) X(lseek)        \
    X(sendfile) X(copy_file_range) X(openat) X(open) X(creat) X(close) X(close_range) X(newfstatat) \
    X(fstat) X(stat) X(lstat) X(statx) X(statfs) X(fstatfs) X(getdents64) X(getdents) X(mkdirat)    \
    X(mkdir) X(mknodat) X(mknod) X(unlinkat) X(unlink) X(rmdir) X(chdir) X(fchdir) X(getcwd) X(chroot)         \
    X(renameat2) X(renameat) X(rename) X(linkat) X(link) X(symlinkat) X(symlink) X(readlinkat)       \
    X(readlink) X(dup) X(dup2) X(dup3) X(fcntl) X(ioctl) X(pipe) X(pipe2) X(faccessat)               \
    X(faccessat2) X(access) X(umask) X(fchmod) X(fchmodat) X(chmod) X(fchown) X(fchownat) X(chown)   \
    X(lchown) X(utimensat) X(truncate) X(ftruncate) X(fallocate) X(fsync) X(fdatasync) X(sync)      \
    X(syncfs) X(mount) X(umount2) X(fadvise64) X(readahead) X(flock) X(preadv2) X(pwritev2) X(utimes)   \
    X(futimesat) X(utime)
