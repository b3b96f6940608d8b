#include <fs/kernel_api.h>
#include <kernel/console.h>
#include <kernel/process.h>
#include <kernel/user_strings.h>
#include <syscalls/levitate.h>

using namespace kernel;

namespace {
ErrorOr<long> spawn(UserPtr<const char> upath, UserPtr<u64> argv, UserPtr<u64> envp) {
    KernelPath path = TRY(copy_path(upath));
    if (path.len == 0) return Errno::ENOENT;
    lv::OwnPtr<StringVector> args(lv::make<StringVector>());
    lv::OwnPtr<StringVector> env(lv::make<StringVector>());
    if (!args || !env) return Errno::ENOMEM;
    TRY(copy_string_vector(argv, *args));
    TRY(copy_string_vector(envp, *env));
    if (argv.is_null()) {
        args->items[0] = path.c_str();
        args->count = 1;
    }
    int pid = TRY(spawn_process(&current_process(), path.c_str(), args->items, args->count, env->items, env->count));
    return pid;
}
} // namespace

ErrorOr<long> sys_spawn(UserPtr<const char> path) { return spawn(path, UserPtr<u64>(), UserPtr<u64>()); }

ErrorOr<long> sys_spawn_args(UserPtr<const char> path, UserPtr<u64> argv, UserPtr<u64> envp) {
    return spawn(path, argv, envp);
}

ErrorOr<long> sys_set_foreground(int pid) {
    Process* p = find_process(pid);
    if (!p || p->zombie) return Errno::ESRCH;
    console::set_foreground_pgid(p->pgid);
    return 0;
}

ErrorOr<long> sys_get_foreground() { return console::foreground_pgid(); }

ErrorOr<long> sys_isatty(int fd) { return TRY(fs::fd_is_tty(fd)) ? 1 : 0; }
