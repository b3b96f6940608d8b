// Advice and the legacy forms: fadvise64, readahead, flock, preadv2/pwritev2,
// utimes/futimesat/utime.
#include <fs/fcntl.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>

using namespace fs;

ErrorOr<long> sys_fadvise64(int fd, i64 offset, i64 len, int advice) {
    auto f = TRY(sc::io_file(fd));
    if (!f->seekable()) return Errno::ESPIPE;
    if (len < 0 || advice < 0 || advice > 5) return Errno::EINVAL; // POSIX_FADV_NORMAL..NOREUSE
    return 0; // everything is in memory already
}

ErrorOr<long> sys_readahead(int fd, i64 offset, size_t count) {
    auto f = TRY(sc::io_file(fd));
    if (!f->readable()) return Errno::EBADF;
    if (!f->inode->is_regular()) return Errno::EINVAL;
    return 0;
}

ErrorOr<long> sys_flock(int fd, unsigned op) {
    constexpr unsigned kShared = 1, kExclusive = 2, kNonBlock = 4, kUnlock = 8;
    TRY(sc::io_file(fd));
    constexpr unsigned kMand = 32;
    if (op & kMand) return 0; // LOCK_MAND is ignored since Linux 5.15 (it warns and succeeds)
    unsigned kind = op & ~kNonBlock;
    if (kind != kShared && kind != kExclusive && kind != kUnlock) return Errno::EINVAL;
    // FIXME: advisory locks are granted, not tracked (no other process contends yet).
    return 0;
}

namespace {
constexpr int kRwfSupported = 0x1f; // RWF_HIPRI, DSYNC, SYNC, NOWAIT, APPEND

ErrorOr<long> rw_v2(bool write, int fd, UserPtr<const void> iov, unsigned long vlen, u64 pos, int flags) {
    if (flags & ~kRwfSupported) return Errno::EOPNOTSUPP;
    // Offset -1 means "at the file position", like readv/writev.
    if (i64(pos) == -1) return write ? sys_writev(fd, iov, vlen) : sys_readv(fd, iov, vlen);
    return write ? sys_pwritev(fd, iov, vlen, pos, 0) : sys_preadv(fd, iov, vlen, pos, 0);
}

struct Timeval {
    i64 sec, usec;
};

ErrorOr<long> utimes_common(int dirfd, UserPtr<const char> path, UserPtr<const void> times) {
    auto inode = TRY(sc::lookup_at(dirfd, path, true, false));
    if (times.is_null()) return sc::set_times(*inode, &sc::kTimeNow, &sc::kTimeNow);
    Timeval tv[2];
    TRY(UserPtr<Timeval>(times.addr()).read_array(tv, 2));
    KTimespec ts[2];
    for (int i = 0; i < 2; i++) {
        if (tv[i].usec < 0 || tv[i].usec >= 1000000) return Errno::EINVAL;
        ts[i] = {tv[i].sec, tv[i].usec * 1000};
    }
    return sc::set_times(*inode, &ts[0], &ts[1]);
}
} // namespace

ErrorOr<long> sys_preadv2(int fd, UserPtr<const void> iov, unsigned long vlen, u64 pos_l, u64, int flags) {
    return rw_v2(false, fd, iov, vlen, pos_l, flags);
}

ErrorOr<long> sys_pwritev2(int fd, UserPtr<const void> iov, unsigned long vlen, u64 pos_l, u64, int flags) {
    return rw_v2(true, fd, iov, vlen, pos_l, flags);
}

ErrorOr<long> sys_utimes(UserPtr<const char> path, UserPtr<const void> times) {
    return utimes_common(kAtFdCwd, path, times);
}

ErrorOr<long> sys_futimesat(int dirfd, UserPtr<const char> path, UserPtr<const void> times) {
    return utimes_common(dirfd, path, times);
}

ErrorOr<long> sys_utime(UserPtr<const char> path, UserPtr<const void> times) {
    auto inode = TRY(sc::lookup_at(kAtFdCwd, path, true, false));
    if (times.is_null()) return sc::set_times(*inode, &sc::kTimeNow, &sc::kTimeNow);
    struct Utimbuf {
        i64 actime, modtime;
    };
    Utimbuf b = TRY(UserPtr<Utimbuf>(times.addr()).read());
    KTimespec a {b.actime, 0}, m {b.modtime, 0};
    return sc::set_times(*inode, &a, &m);
}
