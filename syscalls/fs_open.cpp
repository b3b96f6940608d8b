// openat, open, creat, close, close_range.
#include <fs/fcntl.h>
#include <fs/open.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>

using namespace fs;

ErrorOr<long> sys_openat(int dirfd, UserPtr<const char> path, int flags_in, unsigned mode) {
    u32 flags = u32(flags_in);
    sc::UserPath p;
    TRY(p.copy(path));
    if (p.empty()) return Errno::ENOENT;
    auto base = TRY(sc::base_dir(dirfd, p.view()));
    // 64-bit Linux always opens with O_LARGEFILE (force_o_largefile), visible in F_GETFL.
    auto file = TRY(open_path(*base, p.view(), flags | kOLargeFile, mode, sc::context().umask));
    return long(TRY(sc::fds().allocate(file, flags & kOCloExec, 0, sc::fd_limit())));
}

ErrorOr<long> sys_open(UserPtr<const char> path, int flags, unsigned mode) {
    return sys_openat(kAtFdCwd, path, flags, mode);
}

ErrorOr<long> sys_creat(UserPtr<const char> path, unsigned mode) {
    return sys_openat(kAtFdCwd, path, int(kOCreat | kOWrOnly | kOTrunc), mode);
}

ErrorOr<long> sys_close(int fd) {
    TRY(sc::fds().close(fd));
    return 0;
}

ErrorOr<long> sys_close_range(unsigned first, unsigned last, unsigned flags) {
    constexpr unsigned kUnshare = 2, kCloexec = 4; // CLOSE_RANGE_*
    if (flags & ~(kUnshare | kCloexec)) return Errno::EINVAL;
    if (first > last) return Errno::EINVAL;
    // CLOSE_RANGE_UNSHARE: the table is per process here unless CLONE_FILES shared it.
    // FIXME: unshare a shared table first.
    sc::fds().close_range(first, last, flags & kCloexec);
    return 0;
}
