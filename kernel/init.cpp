// The first process. Interactive boots run init= (default /sbin/init) as pid 1. Under
// `./levitate exec` (levitate.exec=1) the runner put the program's argv and environment
// in the initramfs as NUL-separated lists; pid 1 is then the kernel's own reaper (a
// process whose one thread is a kernel thread that waits for children, as a container's
// tini would), and the program runs as its child in a session of its own: an ordinary
// process, as on the host where its tests also run, not an init that ignores signals.
// The kernel reports how the program ended on the exit channel and powers off.
#include <kernel/sync/giant.h>
#include <arch/interface.h>
#include <drivers/init.h>
#include <fs/fs_types.h>
#include <fs/kernel_api.h>
#include <fs/vfs.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/init.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <lib/alloc.h>
#include <lib/format.h>
#include <lib/own_ptr.h>
#include <lib/string.h>

namespace kernel {
namespace {
constexpr const char* kArgvFile = "/etc/levitate/exec.argv";
constexpr const char* kEnvFile = "/etc/levitate/exec.env";
constexpr size_t kMaxStrings = 4096;

// How the first program ended, for kernel_main's thread, which waits for it.
Spinlock g_init_lock {"init exit"};
bool g_init_done LV_GUARDED_BY(g_init_lock) = false;
int g_init_status LV_GUARDED_BY(g_init_lock) = 0;
WaitQueue g_init_exit; // waits with g_init_lock
bool g_first_user_seen = false;
int g_exec_pid = 0; // exec mode: the program, child of the reaper

void program_ended(int status) {
    SpinlockLocker l(g_init_lock);
    g_init_status = status;
    g_init_done = true;
    g_init_exit.wake_all();
}

// Exec mode's pid 1: reaps every child (the program and the orphans it leaves) and
// reports the program's end. Signals are all blocked here; SIGKILL and SIGSTOP are
// dropped at send, as for any first process.
void reaper_loop(void*) {
    giant::assert_held(); // a kernel thread holds it unless asleep (sched::thread_start)
    current_thread().set_sigmask(~0ull);
    for (;;) {
        int status = 0;
        auto r = wait_child(-1, 4 /* WEXITED */, &status);
        if (!r.is_error()) {
            if (r.value() == g_exec_pid) program_ended(status);
            continue;
        }
        // No children now: sleep until an orphan arrives.
        giant::Section g;
        if (current_process().children().empty()) (void)current_process().child_wait().wait_interruptible();
    }
}

// Exec mode: pid 1, not yet running (it starts once the program's pid is known).
Thread* make_reaper() LV_REQUIRES_GIANT {
    auto* p = lv::make<Process>();
    if (!p) panic("exec mode: no memory for pid 1");
    p->set_sighand(SignalHandlers::create());
    if (!p->sighand()) panic("exec mode: no memory for pid 1's signal actions");
    p->set_default_rlimits();
    p->set_comm("init");
    Thread* t = create_thread(p, reaper_loop, nullptr, "init");
    if (!t) panic("exec mode: no memory for pid 1's thread");
    p->init_pid(t->tid());
    p->set_pgid(t->tid());
    p->set_sid(t->tid());
    register_process(*p, nullptr, *t);
    return t;
}

struct StringList {
    lv::OwnPtr<char> storage;
    const char* items[kMaxStrings];
    size_t count = 0;
};

// Reads a file of NUL-separated strings.
ErrorOr<void> read_list(const char* path, StringList& out) {
    auto inode = TRY(fs::lookup_path(path));
    u64 size = fs::inode_size(*inode);
    if (size > (4u << 20)) return Errno::E2BIG;
    out.storage.reset(static_cast<char*>(kmalloc(size + 1)));
    if (!out.storage) return Errno::ENOMEM;
    char* s = out.storage.get();
    size_t got = TRY(fs::read_inode(*inode, 0, s, size));
    s[got] = 0;
    for (size_t i = 0; i < got && out.count < kMaxStrings;) {
        out.items[out.count++] = s + i;
        i += strlen(s + i) + 1;
    }
    return {};
}

// Every process left (orphans of the first process, daemons) is killed and waited for
// (2 s at most), so that nothing still writes and every file is closed: an unlinked file
// held open is freed, and the filesystems can be unmounted cleanly.
void end_user_processes() {
    {
        giant::Section g;
        for (Process& p : all_processes()) {
            if (p.zombie() || !p.as()) continue;
            p.set_unkillable(false); // the kernel's SIGKILL is forced
            send_signal(p, SIGKILL);
        }
    }
    u64 deadline = time::monotonic_ns() + 2'000'000'000ull;
    for (;;) {
        bool left = false;
        {
            giant::Section g;
            for (Process& p : all_processes())
                if (!p.zombie() && p.as()) left = true;
        }
        if (!left) return;
        if (time::monotonic_ns() > deadline) {
            log_warn("shutdown: processes still running after SIGKILL");
            return;
        }
        sched::sleep_until(time::monotonic_ns() + 10'000'000);
    }
}

void report_exit(int status) {
    char text[32];
    size_t n = (status & 0x7f) ? lv::snprintf(text, sizeof text, "signal %d", status & 0x7f)
                               : lv::snprintf(text, sizeof text, "exit %d", (status >> 8) & 0xff);
    console::write(console::kExit, text, n);
}
} // namespace

void before_first_user_entry(Thread& t) {
    if (g_first_user_seen) return;
    g_first_user_seen = true;
    u64 ns = time::monotonic_ns();
    char text[48];
    size_t n = lv::snprintf(text, sizeof text, "first-user-ns=%lu", ns);
    if (console::multiplexed()) console::write(console::kInfo, text, n);
    log_info("first user instruction at %lu.%06lu s (pid %d)", ns / 1000000000, (ns / 1000) % 1000000, t.tid());
}

void notify_process_exit(Process& p) {
    // Interactive boots: the end of init is the end. (It can run and exit before
    // spawn_process() has even returned its pid to run_init().)
    if (&p != init_process() || g_exec_pid) return;
    program_ended(p.wait_status());
}

[[noreturn]] void run_init() {
    giant::assert_held(); // a kernel thread holds it unless asleep (sched::thread_start)
    const char* cmdline = boot_cmdline();
    static StringList argv, envp;
    bool exec_mode = cmdline::flag(cmdline, "levitate.exec");
    static char init_path[256] = "/sbin/init";
    static const char* default_env[] = {"HOME=/root", "TERM=linux", "PATH=/bin:/sbin:/usr/bin:/usr/sbin"};
    const char* path;
    if (exec_mode) {
        auto r = read_list(kArgvFile, argv);
        if (r.is_error() || argv.count == 0) panic("exec mode: cannot read %s (errno %d)", kArgvFile, int(r.error()));
        if (read_list(kEnvFile, envp).is_error()) envp.count = 0;
        path = argv.items[0];
    } else {
        cmdline::get(cmdline, "init", init_path, sizeof init_path);
        path = init_path;
        argv.items[0] = path;
        argv.count = 1;
        for (const char* e : default_env) envp.items[envp.count++] = e;
    }
    fs::mount_root_from_cmdline(cmdline); // root=/dev/vda: after the exec lists are read

    Thread* reaper = exec_mode ? make_reaper() : nullptr;
    auto pid = spawn_process(reaper ? reaper->process() : nullptr, path, argv.items, argv.count, envp.items,
                             envp.count, true);
    if (pid.is_error()) {
        log_error("cannot run %s: errno %d", path, int(pid.error()));
        if (exec_mode) {
            // What a shell reports for a program it cannot run: 127 not found, 126 otherwise.
            report_exit(exit_status_code(pid.error() == Errno::ENOENT ? 127 : 126));
            char msg[300];
            size_t n = lv::snprintf(msg, sizeof msg, "levitate: cannot execute %s: errno %d\n", path, int(pid.error()));
            console::write(console::kStderr, msg, n);
        }
        arch::poweroff();
    }
    int init_pid = pid.value();
    log_info("started %s as pid %d", path, init_pid);
    if (reaper) {
        g_exec_pid = init_pid;
        sched::add(*reaper); // the program's end is reported once its pid is known
    }
    int st;
    {
        SpinlockLocker l(g_init_lock);
        while (!g_init_done) (void)g_init_exit.wait_locked(g_init_lock);
        st = g_init_status;
    }
    if (st & 0x7f) log_info("pid %d killed by signal %d", init_pid, st & 0x7f);
    else log_info("pid %d exited with status %d", init_pid, (st >> 8) & 0xff);
    // A clean shutdown: nothing left running, every filesystem unmounted (ext2 marks its
    // disk clean) or at least synced, and the disks flushed, before the runner stops QEMU.
    end_user_processes();
    fs::unmount_all();
    fs::sync_filesystems();
    drivers::sync_disks();
    if (exec_mode) report_exit(st);
    arch::poweroff();
}
} // namespace kernel
