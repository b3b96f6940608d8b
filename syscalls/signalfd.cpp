#include <fs/signalfd.h>
#include <syscalls/fs_util.h>
#include <syscalls/signalfd.h>

ErrorOr<long> sys_signalfd4(int fd, UserPtr<u64> mask, usize sizemask, int flags) {
    // SFD_CLOEXEC == O_CLOEXEC, SFD_NONBLOCK == O_NONBLOCK.
    if (u32(flags) & ~(fs::kOCloExec | fs::kONonBlock)) return Errno::EINVAL;
    if (sizemask != sizeof(u64)) return Errno::EINVAL;
    u64 m = TRY(mask.read());
    if (fd != -1) {
        auto f = TRY(fs::sc::io_file(fd));
        TRY(fs::signalfd_set_mask(*f, m));
        return fd;
    }
    auto file = TRY(fs::create_signalfd(m, u32(flags)));
    return long(TRY(fs::sc::fds().allocate(lv::move(file), flags & fs::kOCloExec)));
}

ErrorOr<long> sys_signalfd(int fd, UserPtr<u64> mask, usize sizemask) { return sys_signalfd4(fd, mask, sizemask, 0); }
