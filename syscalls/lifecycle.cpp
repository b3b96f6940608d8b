#include <kernel/clone.h>
#include <kernel/execve.h>
#include <kernel/nproc.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <lib/string.h>
#include <syscalls/fs_util.h>
#include <syscalls/lifecycle.h>
#include <syscalls/process.h> // write_rusage

using namespace kernel;

namespace {
constexpr u64 CLONE_VM = 0x100, CLONE_VFORK = 0x4000;
constexpr u64 kCsignal = 0xff; // the exit signal in clone's flags

ErrorOr<long> exec_common(int dirfd, UserPtr<const char> upath, UserPtr<u64> uargv, UserPtr<u64> uenvp, int flags) LV_REQUIRES_GIANT {
    constexpr int AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100;
    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) return Errno::EINVAL;
    TRY(check_exec(current_process())); // RLIMIT_NPROC after a set*uid (kernel/nproc.h)
    KernelPath path = TRY(copy_path(upath));
    auto inode = TRY(fs::sc::lookup_at(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH));
    // The name for AT_EXECFN and /proc/self/exe: what was given, or /dev/fd/N (execveat(2)).
    char fdname[32];
    const char* name = path.c_str();
    if (path.len == 0 || (path.c_str()[0] != '/' && dirfd != -100)) {
        // FIXME: Linux uses /dev/fd/N/path for a relative path under a real dirfd.
        size_t n = 0;
        const char* prefix = "/dev/fd/";
        memcpy(fdname, prefix, 8);
        n = 8;
        char digits[12];
        int d = 0;
        unsigned v = unsigned(dirfd);
        do { digits[d++] = char('0' + v % 10); v /= 10; } while (v);
        while (d) fdname[n++] = digits[--d];
        fdname[n] = 0;
        name = fdname;
    }
    ExecArgs args;
    TRY(args.copy_from_user(name, uargv, uenvp, current_process().rlimit_cur(kRlimitStack)));
    TRY(do_execve(*inode, name, args));
    return 0;
}
} // namespace

ErrorOr<long> sys_clone(u64 flags, u64 stack, u64 parent_tid, u64 arg4, u64 arg5) {
    CloneArgs a;
    a.flags = flags & ~kCsignal;
    a.exit_signal = int(flags & kCsignal);
    a.stack = stack;
    a.parent_tid = parent_tid;
    a.child_tid = arch::kCloneTlsBeforeChildTid ? arg5 : arg4;
    a.tls = arch::kCloneTlsBeforeChildTid ? arg4 : arg5;
    return TRY(do_clone(a));
}

ErrorOr<long> sys_clone3(UserPtr<void> uargs, usize size) {
    struct Args {
        u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
            cgroup;
    } in {};
    constexpr usize kVer0 = 64; // CLONE_ARGS_SIZE_VER0
    if (size < kVer0 || size > 4096) return Errno::EINVAL;
    TRY(mm::copy_from_user(&in, uargs.addr(), min(size, sizeof in)));
    if (size > sizeof in) {
        // Unknown trailing fields must be zero (copy_struct_from_user).
        u8 tail[64];
        for (usize off = sizeof in; off < size; off += sizeof tail) {
            usize n = min(sizeof tail, size - off);
            TRY(mm::copy_from_user(tail, uargs.addr() + off, n));
            for (usize i = 0; i < n; i++)
                if (tail[i]) return Errno::E2BIG;
        }
    }
    if (in.exit_signal & ~kCsignal) return Errno::EINVAL;
    if (in.flags & kCsignal) return Errno::EINVAL; // the signal has its own field here
    if (in.set_tid || in.set_tid_size || in.cgroup) return Errno::EINVAL; // FIXME: not supported
    if ((in.stack == 0) != (in.stack_size == 0)) return Errno::EINVAL;
    CloneArgs a;
    a.flags = in.flags;
    a.exit_signal = int(in.exit_signal);
    a.stack = in.stack ? in.stack + in.stack_size : 0;
    a.parent_tid = in.parent_tid;
    a.child_tid = in.child_tid;
    a.tls = in.tls;
    return TRY(do_clone(a));
}

ErrorOr<long> sys_fork() {
    CloneArgs a;
    a.exit_signal = SIGCHLD;
    return TRY(do_clone(a));
}

ErrorOr<long> sys_vfork() {
    CloneArgs a;
    a.flags = CLONE_VM | CLONE_VFORK;
    a.exit_signal = SIGCHLD;
    return TRY(do_clone(a));
}

ErrorOr<long> sys_execve(UserPtr<const char> path, UserPtr<u64> argv, UserPtr<u64> envp) {
    constexpr int AT_FDCWD = -100;
    return exec_common(AT_FDCWD, path, argv, envp, 0);
}

ErrorOr<long> sys_execveat(int dirfd, UserPtr<const char> path, UserPtr<u64> argv, UserPtr<u64> envp, int flags) {
    return exec_common(dirfd, path, argv, envp, flags);
}

ErrorOr<long> sys_waitid(int idtype, int id, UserPtr<void> info, int options, UserPtr<void> rusage) {
    constexpr int P_ALL = 0, P_PID = 1, P_PGID = 2;
    constexpr int WNOHANG = 1, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000;
    constexpr int CLD_EXITED = 1, CLD_KILLED = 2, CLD_STOPPED = 5, CLD_CONTINUED = 6;
    if (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | 0x20000000 | 0x40000000 | int(0x80000000)))
        return Errno::EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED))) return Errno::EINVAL;
    int pid;
    switch (idtype) {
    case P_ALL: pid = -1; break;
    case P_PID: if (id <= 0) return Errno::EINVAL; pid = id; break;
    case P_PGID: if (id < 0) return Errno::EINVAL; pid = id == 0 ? 0 : -id; break;
    default: return Errno::EINVAL; // FIXME: P_PIDFD needs pidfds
    }
    int status = 0;
    kernel::CpuSplit cpu; // the reaped child's CPU times, for rusage
    int wanted = options & (WNOHANG | WSTOPPED | WEXITED | WCONTINUED);
    u32 uid = 0;
    int reaped = TRY(wait_child(pid, wanted, &status, options & WNOWAIT, &cpu, &uid));
    if (!info.is_null()) {
        u8 si[128] = {};
        if (reaped > 0) {
            // Decode the wait status into the siginfo's code and si_status.
            int code, value;
            if ((status & 0xff) == 0x7f) { code = CLD_STOPPED; value = (status >> 8) & 0xff; }
            else if (status == 0xffff) { code = CLD_CONTINUED; value = SIGCONT; }
            else if (status & 0x7f) { code = CLD_KILLED; value = status & 0x7f; }
            else { code = CLD_EXITED; value = (status >> 8) & 0xff; }
            i32 head[3] = {SIGCHLD, 0, code};
            i32 ids[3] = {reaped, i32(uid), value}; // the child's real uid
            memcpy(si, head, sizeof head);
            memcpy(si + 16, ids, sizeof ids); // si_pid, si_uid, si_status
        }
        TRY(mm::copy_to_user(info.addr(), si, sizeof si));
    }
    if (!rusage.is_null()) TRY(write_rusage(rusage, reaped > 0 ? cpu : kernel::CpuSplit {}));
    return 0;
}
