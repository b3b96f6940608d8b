// arch_prctl(2): the x86_64 thread-area calls. Linux: arch/x86/kernel/process_64.c
// (do_arch_prctl_64, do_arch_prctl_common).
#include <arch/syscalls.h>
#include <arch/x86/internal.h>
#include <mm/user_ptr.h>

namespace {
enum : int {
    ARCH_SET_GS = 0x1001,
    ARCH_SET_FS = 0x1002,
    ARCH_GET_FS = 0x1003,
    ARCH_GET_GS = 0x1004,
    ARCH_GET_CPUID = 0x1011,
    ARCH_SET_CPUID = 0x1012,
};
} // namespace

ErrorOr<long> sys_arch_prctl(int code, u64 addr) {
    using namespace arch::x86;
    switch (code) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        // Linux refuses bases at or above TASK_SIZE_MAX with EPERM (covers
        // non-canonical ones, which would fault on the MSR write).
        if (addr >= arch::kUserTop) return Errno::EPERM;
        if (code == ARCH_SET_FS) set_user_fs_base(addr);
        else set_user_gs_base(addr);
        return 0;
    case ARCH_GET_FS:
        TRY(UserPtr<u64>(addr).write(user_fs_base()));
        return 0;
    case ARCH_GET_GS:
        TRY(UserPtr<u64>(addr).write(user_gs_base()));
        return 0;
    case ARCH_GET_CPUID: // CPUID is always allowed (no CPUID faulting)
        return 1;
    case ARCH_SET_CPUID: // only "enable", which it already is
        if (addr) return 0;
        return Errno::ENODEV;
    default:
        return Errno::EINVAL;
    }
}
