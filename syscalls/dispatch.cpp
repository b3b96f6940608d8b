// The one syscall path: Linux number -> typed handler, for whichever arch this is.
//
// Handlers are `ErrorOr<long> sys_<name>(args...)` whose parameters are integer types
// or UserPtr<T>. A thunk per handler converts the six raw registers to the declared
// types (integers truncate as Linux's C prototypes do) and turns an error into -errno:
// the only place that happens.
#include <kernel/sync/giant.h>
#include <kernel/entry.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <lib/string.h>
#include <syscalls/all.h>

namespace {
using Handler = long (*)(const u64* args);

template <size_t... I>
struct Seq {};

template <typename T>
struct IsUserPtr { static constexpr bool value = false; };
template <typename T>
struct IsUserPtr<UserPtr<T>> { static constexpr bool value = true; };

template <typename T>
T convert(u64 raw) {
    if constexpr (IsUserPtr<T>::value) return T(raw);
    else return static_cast<T>(raw);
}

// The giant lock (kernel/sync/giant.h) is taken here, for every handler but the
// giant-free ones: the analysis checks that a handler marked LV_REQUIRES_GIANT
// (syscalls/*.h) is not among those.
template <auto F, bool GiantFree, typename R, typename... A, size_t... I>
long call(ErrorOr<R> (*)(A...), const u64* a, Seq<I...>) {
    auto r = [&] {
        // By name, not through a pointer, so that the analysis sees the call.
        if constexpr (GiantFree) {
            return F(convert<A>(a[I])...);
        } else {
            kernel::giant::Locker l;
            return F(convert<A>(a[I])...);
        }
    }();
    if (r.is_error()) return -long(r.error());
    if constexpr (__is_same(R, void)) return 0;
    else return long(r.value());
}

template <typename R, typename... A>
constexpr size_t arity(ErrorOr<R> (*)(A...)) { return sizeof...(A); }

// Seq<0, 1, ..., N-1> without compiler-specific builtins (GCC's __integer_pack and
// clang's __make_integer_seq differ), so that clang's analyses see this file too.
template <size_t N, size_t... I>
struct MakeSeq : MakeSeq<N - 1, N - 1, I...> {};
template <size_t... I>
struct MakeSeq<0, I...> {
    using Type = Seq<I...>;
};

template <auto F, bool GiantFree>
long thunk(const u64* a) {
    return call<F, GiantFree>(F, a, typename MakeSeq<arity(F)>::Type {});
}

// The calls that run without the giant lock (kernel/sync/giant.h), so that they run on
// several CPUs at once: each touches only the caller's own thread, data under named
// locks (the scheduler; the address space and the frame allocator; the descriptor
// table and the VFS lock for a file mapping), and code of the old kind only inside
// giant::Sections, which take the giant lock themselves. read, write, readv and
// writev take it themselves unless the file's object runs without it (a pipe:
// fs::FileOps::giant_free).
constexpr const char* kGiantFree[] = {
    "getpid", "gettid", "sched_yield", "getcpu", "mmap", "munmap", "mprotect", "brk",
    "read", "write", "readv", "writev",
};

constexpr bool same(const char* a, const char* b) {
    for (; *a && *a == *b; a++, b++) {}
    return *a == *b;
}

constexpr bool is_giant_free(const char* name) {
    for (const char* n : kGiantFree)
        if (same(n, name)) return true;
    return false;
}

// Every name in the arch's Linux table defaults to "no handler"...
namespace defaults {
#define NR(nr, name) constexpr Handler h_##name = nullptr;
#include <arch/syscall_numbers.inc>
#undef NR
} // namespace defaults

// ...and a handler of the same name, when the kernel has one, hides the default.
namespace handlers {
using namespace defaults;
#define X(name) constexpr Handler h_##name = &thunk<&sys_##name, is_giant_free(#name)>;
LV_ALL_SYSCALLS(X)
#undef X

struct Entry {
    Handler fn;
    const char* name;
};

constexpr size_t kLinuxTableSize = 512;

struct Table {
    Entry linux_calls[kLinuxTableSize];
};

constexpr Table make_table() {
    Table t {};
#define NR(nr, name) static_assert(nr < kLinuxTableSize); t.linux_calls[nr] = {h_##name, #name};
#include <arch/syscall_numbers.inc>
#undef NR
    return t;
}
constinit const Table g_table = make_table();

// LevitateOS's own calls, the same numbers on every arch (docs/custom-syscalls.md).
struct Custom {
    u64 nr;
    Entry entry;
};
#define C(nr, name) {nr, {&thunk<&sys_##name, false>, #name}},
constinit const Custom g_custom[] = {LV_CUSTOM_SYSCALLS(C)};
#undef C
} // namespace handlers

const handlers::Entry* lookup(u64 nr) {
    if (nr < handlers::kLinuxTableSize) return &handlers::g_table.linux_calls[nr];
    for (const auto& c : handlers::g_custom)
        if (c.nr == nr) return &c.entry;
    return nullptr;
}
} // namespace

namespace kernel {
void handle_syscall(arch::TrapFrame& f) {
    u64 nr = f.syscall_number();
    u64 args[6];
    for (int i = 0; i < 6; i++) args[i] = f.arg(i);
    const handlers::Entry* e = lookup(nr);
    long ret;
    if (e && e->fn) {
        current_thread().own().syscall_eintr_final = false;
        ret = e->fn(args);
    } else {
        log_debug("pid %d: unimplemented syscall %s (%lu)", current_process().pid(), e && e->name ? e->name : "?", nr);
        ret = -long(Errno::ENOSYS);
    }
    f.set_return(u64(ret));
    // rt_sigreturn "returns" the interrupted context's own register, which may well be
    // -EINTR from a call the handler interrupted: that is no new interruption.
    bool sigreturn = e && e->name && strcmp(e->name, "rt_sigreturn") == 0;
    if (ret == -long(Errno::EINTR) && !sigreturn) {
        // SA_RESTART may make it again (kernel/signal.cpp), except the calls Linux never
        // restarts: sleeps, waits for events and signal waits (signal(7)).
        static const char* const kNoRestart[] = {"nanosleep", "clock_nanosleep", "rt_sigsuspend", "pause",
                                                 "poll", "ppoll", "select", "pselect6", "epoll_wait",
                                                 "epoll_pwait", "epoll_pwait2", "rt_sigtimedwait", "io_getevents"};
        Thread& t = current_thread();
        t.own().syscall_interrupted = true;
        t.own().syscall_no_restart = t.own().syscall_eintr_final;
        for (const char* n : kNoRestart)
            if (e && e->name && strcmp(n, e->name) == 0) t.own().syscall_no_restart = true;
    }
}
} // namespace kernel
