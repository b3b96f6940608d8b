// File descriptors: dup, fcntl, ioctl, pipe.
#include <fs/fcntl.h>
#include <fs/mutex.h>
#include <fs/pipe.h>
#include <kernel/process.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>

using namespace fs;

namespace {
enum : int {
    kFDupFd = 0, kFGetFd = 1, kFSetFd = 2, kFGetFl = 3, kFSetFl = 4, kFGetLk = 5, kFSetLk = 6, kFSetLkW = 7,
    kFSetOwn = 8, kFGetOwn = 9, kFSetSig = 10, kFGetSig = 11, kFSetOwnEx = 15, kFGetOwnEx = 16,
    kFOfdGetLk = 36, kFOfdSetLk = 37, kFOfdSetLkW = 38, kFSetLease = 1024, kFGetLease = 1025,
    kFNotify = 1026, kFDupFdCloexec = 1030, kFSetPipeSz = 1031, kFGetPipeSz = 1032, kFAddSeals = 1033,
    kFGetSeals = 1034,
};
constexpr u32 kFdCloexec = 1;
// struct flock on 64-bit Linux (both architectures).
struct Flock {
    i16 type, whence;
    i64 start, len;
    i32 pid;
    i32 pad;
};
static_assert(sizeof(Flock) == 32);
constexpr i16 kFRdLck = 0, kFWrLck = 1, kFUnLck = 2;

enum : u32 { kFionbio = 0x5421, kFionclex = 0x5450, kFioclex = 0x5451, kFioasync = 0x5452, kFionread = 0x541B };

ErrorOr<long> do_dup(lv::RefPtr<File> f, int min_fd, bool cloexec) {
    return long(TRY(sc::fds().allocate(lv::move(f), cloexec, min_fd, sc::fd_limit())));
}
} // namespace

ErrorOr<long> sys_dup(int fd) {
    auto f = TRY(sc::file(fd));
    return do_dup(f, 0, false);
}

ErrorOr<long> sys_dup3(int oldfd, int newfd, int flags) {
    if (u32(flags) & ~kOCloExec) return Errno::EINVAL;
    if (oldfd == newfd) return Errno::EINVAL;
    auto f = TRY(sc::file(oldfd));
    TRY(sc::fds().install(newfd, f, flags & kOCloExec, sc::fd_limit()));
    return newfd;
}

ErrorOr<long> sys_dup2(int oldfd, int newfd) {
    if (oldfd == newfd) {
        TRY(sc::file(oldfd)); // dup2(fd, fd) checks fd and changes nothing
        return newfd;
    }
    return sys_dup3(oldfd, newfd, 0);
}

ErrorOr<long> sys_fcntl(int fd, int cmd, u64 arg) {
    auto f = TRY(sc::file(fd));
    switch (cmd) {
    case kFDupFd:
    case kFDupFdCloexec:
        if (int(arg) < 0 || int(arg) >= sc::fd_limit()) return Errno::EINVAL;
        return do_dup(f, int(arg), cmd == kFDupFdCloexec);
    case kFGetFd:
        return TRY(sc::fds().cloexec(fd)) ? kFdCloexec : 0;
    case kFSetFd:
        TRY(sc::fds().set_cloexec(fd, arg & kFdCloexec));
        return 0;
    case kFGetFl:
        return long(f->flags);
    default:
        break;
    }
    // O_PATH descriptors allow only the commands above (fcntl(2), O_PATH in open(2)).
    if (f->is_path()) return Errno::EBADF;
    switch (cmd) {
    case kFSetFl:
        f->flags = (f->flags & ~kSetflMask) | (u32(arg) & kSetflMask);
        return 0;
    case kFGetLk:
    case kFOfdGetLk: {
        // No other process holds a lock here: report the range as free.
        UserPtr<Flock> p(arg);
        Flock l = TRY(p.read());
        if (l.type != kFRdLck && l.type != kFWrLck) return Errno::EINVAL;
        l.type = kFUnLck;
        TRY(p.write(l));
        return 0;
    }
    case kFSetLk:
    case kFSetLkW:
    case kFOfdSetLk:
    case kFOfdSetLkW: {
        // FIXME: record locks are accepted, not enforced (one user, mostly one process).
        Flock l = TRY(UserPtr<Flock>(arg).read());
        if (l.type != kFRdLck && l.type != kFWrLck && l.type != kFUnLck) return Errno::EINVAL;
        if (l.type == kFRdLck && !f->readable()) return Errno::EBADF;
        if (l.type == kFWrLck && !f->writable()) return Errno::EBADF;
        return 0;
    }
    case kFGetOwn:
    case kFGetSig:
    case kFGetLease:
        return cmd == kFGetLease ? 2 /* F_UNLCK */ : 0;
    case kFSetOwn:
    case kFSetSig:
    case kFNotify:
        return 0;
    case kFGetPipeSz:
    case kFSetPipeSz: {
        if (!f->inode->is_fifo()) return Errno::EBADF;
        auto* pipe = static_cast<Pipe*>(f->ops);
        if (cmd == kFGetPipeSz) return long(pipe->capacity());
        return long(TRY(pipe->set_capacity(size_t(u32(arg)))));
    }
    case kFGetSeals: {
        MutexLocker l(vfs_lock());
        return long(TRY(f->inode->seals())); // EINVAL unless a memfd
    }
    case kFAddSeals: {
        MutexLocker l(vfs_lock());
        TRY(f->inode->seals());
        if (!f->writable()) return Errno::EPERM;
        TRY(f->inode->add_seals(u32(arg)));
        return 0;
    }
    default:
        return Errno::EINVAL;
    }
}

ErrorOr<long> sys_ioctl(int fd, unsigned cmd, u64 arg) {
    auto f = TRY(sc::io_file(fd));
    switch (cmd) {
    case kFioclex:
        TRY(sc::fds().set_cloexec(fd, true));
        return 0;
    case kFionclex:
        TRY(sc::fds().set_cloexec(fd, false));
        return 0;
    case kFionbio: {
        int on = TRY(UserPtr<int>(arg).read());
        if (on) f->flags |= kONonBlock;
        else f->flags &= ~kONonBlock;
        return 0;
    }
    case kFioasync:
        TRY(UserPtr<int>(arg).read());
        return 0;
    case kFionread:
        if (!f->ops->is_tty()) {
            auto n = f->ops->bytes_available(*f);
            if (n.is_error()) return n.error();
            TRY(UserPtr<int>(arg).write(int(min<size_t>(n.value(), 0x7fffffff))));
            return 0;
        }
        break;
    default:
        break;
    }
    return f->ops->ioctl(*f, cmd, arg);
}

ErrorOr<long> sys_pipe2(UserPtr<int> fds, int flags) {
    if (u32(flags) & ~(kOCloExec | kONonBlock | kODirect)) return Errno::EINVAL;
    if (u32(flags) & kODirect) return Errno::EINVAL; // FIXME: packet-mode pipes
    lv::RefPtr<File> r, w;
    TRY(make_pipe(u32(flags), r, w));
    bool cloexec = flags & kOCloExec;
    int pair[2];
    pair[0] = TRY(sc::fds().allocate(r, cloexec, 0, sc::fd_limit()));
    auto wfd = sc::fds().allocate(w, cloexec, 0, sc::fd_limit());
    if (wfd.is_error()) {
        (void)sc::fds().close(pair[0]);
        return wfd.error();
    }
    pair[1] = wfd.value();
    if (auto res = fds.write_array(pair, 2); res.is_error()) {
        (void)sc::fds().close(pair[0]);
        (void)sc::fds().close(pair[1]);
        return res.error();
    }
    return 0;
}

ErrorOr<long> sys_pipe(UserPtr<int> fds) { return sys_pipe2(fds, 0); }
