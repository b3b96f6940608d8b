#include <fs/fd_table.h>
#include <fs/kernel_api.h>
#include <kernel/exec.h>
#include <kernel/execve.h>
#include <kernel/itimer.h>
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <lib/string.h>
#include <mm/address_space.h>

namespace kernel {
namespace {
constexpr int kMaxInterpreterDepth = 4; // Linux's BINPRM_MAX_RECURSION
constexpr size_t kShebangMax = 256;     // BINPRM_BUF_SIZE

// "#!interpreter [one argument]" (binfmt_script): argv becomes
// interpreter [argument] path argv[1..]. Returns false if the file is no script.
ErrorOr<bool> parse_shebang(fs::Inode& inode, char (&interp)[kShebangMax], char (&arg)[kShebangMax]) {
    char buf[kShebangMax];
    size_t n = TRY(fs::read_inode(inode, 0, buf, sizeof buf - 1));
    if (n < 2 || buf[0] != '#' || buf[1] != '!') return false;
    buf[n] = 0;
    char* end = static_cast<char*>(memchr(buf, '\n', n));
    if (!end) {
        if (n == sizeof buf - 1) return Errno::ENOEXEC; // line too long for the buffer
        end = buf + n;
    }
    *end = 0;
    char* p = buf + 2;
    while (*p == ' ' || *p == '\t') p++;
    char* name = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    if (p == name) return Errno::ENOEXEC;
    size_t name_len = size_t(p - name);
    while (*p == ' ' || *p == '\t') p++;
    char* a = p;
    char* a_end = end;
    while (a_end > a && (a_end[-1] == ' ' || a_end[-1] == '\t' || a_end[-1] == '\r')) a_end--;
    memcpy(interp, name, name_len);
    interp[name_len] = 0;
    memcpy(arg, a, size_t(a_end - a));
    arg[a_end - a] = 0;
    return true;
}

// Linux's de_thread: every other thread of the process is told to die, and is gone
// before the old image goes (one still running it on another CPU would go on using its
// freed pages and tables). The caller then takes the process's id as its thread id.
// False if this thread is to die itself instead (exit_group, a fatal signal, or
// another thread's execve that came first): the execve then fails, and the thread
// exits on its way out.
bool kill_other_threads(Process& p, Thread& t) {
    giant::Section g;
    if (t.exiting()) return false;
    for (Thread& o : p.threads()) {
        if (&o == &t) continue;
        o.set_exiting();
        sched::wake(o);
    }
    p.set_exec_waiter(&t);
    while (p.live_threads() > 1 && !fatal_signal_pending()) sched::block(); // woken by exit_thread
    p.set_exec_waiter(nullptr);
    if (p.live_threads() > 1) return false;
    t.set_tid(p.pid()); // the thread group leader's id, whichever thread this was
    return true;
}

// The point of no return: the process now runs `img`.
void switch_image(Process& p, Thread& t, Image& img, const char* path, lv::RefPtr<SignalHandlers> spare,
                  lv::RefPtr<fs::FdTable> own_fds) LV_REQUIRES_GIANT {
    {
        giant::Section g;
        // A descriptor table shared with another process (CLONE_FILES) is left to it,
        // and close-on-exec applies to this process's own copy (Linux's unshare_files).
        if (own_fds) p.set_fds(lv::move(own_fds));
        // A table shared with other processes (CLONE_SIGHAND without CLONE_THREAD) is
        // left to them: the new image's resets must not reach them (Linux's
        // unshare_sighand). Checked now, when no thread of ours can share it any more.
        if (p.sighand()->ref_count() > 1) {
            spare->copy_from(*p.sighand());
            p.set_sighand(lv::move(spare));
        }
    }
    lv::RefPtr<mm::AddressSpace> old = p.take_as();
    p.set_as(lv::RefPtr<mm::AddressSpace>::adopt(img.as));
    p.as()->activate();
    {
        giant::Released unlocked; // the teardown needs only the address space's locks
        old.clear();               // a vfork parent keeps its own reference
    }
    release_vfork_parent(p);
    // The saved and filesystem ids become the effective ones (execve(2); Linux's
    // cap_bprm_creds_from_file). There are no set-user-ID files yet to change the rest.
    (void)p.change_creds([](Credentials& c) -> ErrorOr<void> {
        c.suid = c.fsuid = c.euid;
        c.sgid = c.fsgid = c.egid;
        return {};
    });
    fs::close_on_exec(*p.fds());
    delete_posix_timers(p); // kernel/itimer.h: timer_create's timers end with the image
    // Caught signals revert to the default; ignored ones stay ignored (execve(2)).
    p.sighand()->reset_caught();
    t.own().altstack_sp = t.own().altstack_size = 0;
    t.own().clear_child_tid = 0;
    t.own().robust_list = t.own().robust_list_len = 0;
    p.set_image(img, path);
    t.set_name(p.comm());
    arch::thread_state_init(t.own().arch_state);
    arch::init_user_frame(*t.user_frame(), img.entry, img.stack_pointer);
}
} // namespace

ErrorOr<void> do_execve(fs::Inode& first, const char* path, ExecArgs& args) {
    lv::RefPtr<fs::Inode> inode(&first);
    // Interpreter names and arguments live here while argv points at them.
    static constexpr int kSlots = kMaxInterpreterDepth;
    char interp[kSlots][kShebangMax], arg[kSlots][kShebangMax];
    const char* exec_path = path;
    for (int depth = 0;; depth++) {
        TRY(fs::check_executable(*inode));
        bool script = TRY(parse_shebang(*inode, interp[depth % kSlots], arg[depth % kSlots]));
        if (!script) break;
        if (depth == kMaxInterpreterDepth) return Errno::ELOOP;
        // argv[0] is replaced by: interpreter, [argument], the script's path.
        const char* repl[3];
        size_t n = 0;
        repl[n++] = interp[depth % kSlots];
        if (arg[depth % kSlots][0]) repl[n++] = arg[depth % kSlots];
        repl[n++] = exec_path;
        TRY(args.replace_arg0(repl, n));
        exec_path = interp[depth % kSlots];
        inode = TRY(fs::lookup_path(exec_path));
    }
    // A table of our own in case ours is shared when the new image takes over (made
    // now: after the point of no return nothing may fail).
    lv::RefPtr<SignalHandlers> spare = SignalHandlers::create();
    if (!spare) return Errno::ENOMEM;
    // The same for a descriptor table shared with another process: a copy of our own.
    // (Threads share the process's table itself: the other threads are gone by then.)
    lv::RefPtr<fs::FdTable> own_fds;
    if (current_process().fds()->ref_count() > 1) {
        own_fds = fs::clone_fd_table(*current_process().fds());
        if (!own_fds) return Errno::ENOMEM;
    }
    Image img = TRY(load_image(*inode, path, args.argv.data(), args.argv.size(), args.envp.data(), args.envp.size()));
    if (!kill_other_threads(current_process(), current_thread())) {
        lv::destroy(img.as); // its only reference
        return Errno::EINTR; // not seen: the thread exits before returning to user mode
    }
    switch_image(current_process(), current_thread(), img, exec_path, lv::move(spare), lv::move(own_fds));
    return {};
}
} // namespace kernel
