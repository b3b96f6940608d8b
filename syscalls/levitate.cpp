#include <fs/kernel_api.h>
#include <kernel/console.h>
#include <kernel/process.h>
#include <kernel/user_strings.h>
#include <syscalls/levitate.h>

using namespace kernel;

namespace {
ErrorOr<long> spawn(UserPtr<const char> upath, UserPtr<u64> argv, UserPtr<u64> envp) LV_REQUIRES_GIANT {
    KernelPath path = TRY(copy_path(upath));
    if (path.len == 0) return Errno::ENOENT;
    ExecArgs args;
    TRY(args.copy_from_user(path.c_str(), argv, envp, current_process().rlimit_cur(kRlimitStack)));
    if (argv.is_null()) args.argv[0] = path.c_str(); // the program's name as argv[0]
    int pid = TRY(spawn_process(&current_process(), path.c_str(), args.argv.data(), args.argv.size(),
                                args.envp.data(), args.envp.size()));
    return pid;
}
} // namespace

ErrorOr<long> sys_spawn(UserPtr<const char> path) { return spawn(path, UserPtr<u64>(), UserPtr<u64>()); }

ErrorOr<long> sys_spawn_args(UserPtr<const char> path, UserPtr<u64> argv, UserPtr<u64> envp) {
    return spawn(path, argv, envp);
}

ErrorOr<long> sys_set_foreground(int pid) {
    Process* p = find_process(pid);
    if (!p || p->zombie()) return Errno::ESRCH;
    console::set_foreground_pgid(p->pgid());
    return 0;
}

ErrorOr<long> sys_get_foreground() { return console::foreground_pgid(); }

ErrorOr<long> sys_isatty(int fd) { return TRY(fs::fd_is_tty(fd)) ? 1 : 0; }
