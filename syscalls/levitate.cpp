#include <fs/kernel_api.h>
#include <kernel/console.h>
#include <kernel/process.h>
#include <lib/alloc.h>
#include <lib/own_ptr.h>
#include <syscalls/levitate.h>

using namespace kernel;

namespace {
constexpr size_t kPathMax = 4096;
constexpr size_t kMaxArgs = 4096;
constexpr size_t kArgSpace = 2u << 20; // total bytes of argv + envp strings (ARG_MAX-like)

// argv/envp copied into one kernel block: the pointer arrays, then the strings.
struct StringVector {
    lv::OwnPtr<char> space;
    size_t used = 0;
    const char* items[kMaxArgs];
    size_t count = 0;
};

ErrorOr<void> copy_vector(UserPtr<u64> uvec, StringVector& out) {
    if (uvec.is_null()) return {};
    if (!out.space) {
        out.space.reset(static_cast<char*>(kmalloc(kArgSpace)));
        if (!out.space) return Errno::ENOMEM;
    }
    for (;;) {
        u64 p = TRY(uvec.offset(out.count).read());
        if (!p) return {};
        if (out.count == kMaxArgs - 1) return Errno::E2BIG;
        if (out.used >= kArgSpace) return Errno::E2BIG;
        char* dst = out.space.get() + out.used;
        auto len = mm::copy_string_from_user(dst, p, kArgSpace - out.used);
        if (len.is_error()) return len.error() == Errno::ENAMETOOLONG ? Errno::E2BIG : len.error();
        out.items[out.count++] = dst;
        out.used += len.value() + 1;
    }
}

ErrorOr<long> spawn(UserPtr<const char> upath, UserPtr<u64> argv, UserPtr<u64> envp) {
    lv::OwnPtr<char> path(static_cast<char*>(kmalloc(kPathMax)));
    if (!path) return Errno::ENOMEM;
    size_t len = TRY(mm::copy_string_from_user(path.get(), upath.addr(), kPathMax));
    if (len == 0) return Errno::ENOENT;
    lv::OwnPtr<StringVector> args(lv::make<StringVector>());
    lv::OwnPtr<StringVector> env(lv::make<StringVector>());
    if (!args || !env) return Errno::ENOMEM;
    TRY(copy_vector(argv, *args));
    TRY(copy_vector(envp, *env));
    if (argv.is_null()) {
        args->items[0] = path.get();
        args->count = 1;
    }
    int pid = TRY(spawn_process(&current_process(), path.get(), args->items, args->count, env->items, env->count));
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
