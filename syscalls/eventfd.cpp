#include <fs/eventfd.h>
#include <syscalls/eventfd.h>
#include <syscalls/fs_util.h>

ErrorOr<long> sys_eventfd2(unsigned initval, int flags) {
    // EFD_SEMAPHORE, EFD_NONBLOCK (O_NONBLOCK), EFD_CLOEXEC (O_CLOEXEC).
    if (u32(flags) & ~(fs::kEfdSemaphore | fs::kONonBlock | fs::kOCloExec)) return Errno::EINVAL;
    auto file = TRY(fs::create_eventfd(initval, u32(flags)));
    return long(TRY(fs::sc::fds().allocate(lv::move(file), flags & fs::kOCloExec)));
}

ErrorOr<long> sys_eventfd(unsigned initval) { return sys_eventfd2(initval, 0); }
