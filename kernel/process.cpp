// Process lifetime: creation (spawn), exit, zombies, reparenting and reaping.
#include <fs/context.h>
#include <fs/fd_table.h>
#include <fs/kernel_api.h>
#include <kernel/sync/giant.h>
#include <kernel/exec.h>
#include <kernel/futex.h>
#include <kernel/init.h>
#include <kernel/itimer.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <lib/alloc.h>
#include <lib/string.h>
#include <mm/address_space.h>
#include <mm/user_ptr.h>

namespace kernel {
namespace {
Process::AllList g_processes LV_GUARDED_BY_GIANT;
Process* g_init = nullptr;

} // namespace

void default_rlimits(RLimit* r) {
    for (int i = 0; i < kNumRlimits; i++) r[i] = {kRlimInfinity, kRlimInfinity};
    r[kRlimitStack] = {8ull << 20, kRlimInfinity};
    r[kRlimitCore] = {0, kRlimInfinity};
    r[kRlimitNproc] = {4096, 4096};
    r[kRlimitNofile] = {1024, 4096};
    r[kRlimitMemlock] = {8ull << 20, 8ull << 20};
    r[kRlimitSigpending] = {4096, 4096};
    r[kRlimitMsgqueue] = {819200, 819200};
}

namespace {

// Takes a reaped zombie out of the table and the tree (in a giant::Section); the caller
// frees it once out of the giant lock's sections (nothing can find it any more, and
// its timers, which could, are gone).
void unlink_reaped(Process& c) LV_REQUIRES_GIANT {
    if (c.parent()) add_reaped_child(*c.parent(), c); // RUSAGE_CHILDREN counts reaped children
    c.detach();
    g_processes.remove(c);
    release_timers(c);
}
} // namespace

// Entered with the giant lock held (sched::thread_start takes it for every new thread).
void user_thread_entry(void*) {
    giant::assert_held();
    Thread& t = current_thread();
    before_first_user_entry(t);
    giant::unlock(); // taken by sched::thread_start; user mode runs without it
    if (t.own().giant_depth) panic("%s enters user mode holding the giant lock", t.name_unlocked());
    arch::enter_user(t.user_frame());
}

Process::Process() = default;
Process::~Process() = default;

void Process::init_pid(int pid) {
    m_pid = pid;
    m_start_ns = time::monotonic_ns();
}

void Process::set_as(lv::RefPtr<mm::AddressSpace> as) { m_as = lv::move(as); }
void Process::set_fds(lv::RefPtr<fs::FdTable> fds) { m_fds = lv::move(fds); }
void Process::set_fs(lv::RefPtr<fs::FsContext> fs) { m_fs = lv::move(fs); }
lv::RefPtr<mm::AddressSpace> Process::take_as() { return lv::move(m_as); }
lv::RefPtr<fs::FdTable> Process::take_fds() { return lv::move(m_fds); }
lv::RefPtr<fs::FsContext> Process::take_fs() { return lv::move(m_fs); }

void Process::set_comm(const char* name) { lv::copy_truncated(m_comm, sizeof m_comm, name); }
void Process::set_image(const Image& img, const char* path) {
    m_start_brk = img.brk_start;
    m_sigreturn_trampoline = img.sigreturn_trampoline;
    fs::absolute_path(path, m_exe_path, sizeof m_exe_path);
    set_comm(lv::basename(path));
}

void Process::attach(Process* parent) {
    m_parent = parent;
    if (parent) parent->m_children.push_back(*this);
}

void Process::reparent(Process* adopter) {
    if (m_parent) m_parent->m_children.remove(*this);
    m_parent = adopter;
    // Linux's reparent_leader: a custom exit signal would be sent to init, which could
    // kill it; the new parent is told with SIGCHLD.
    m_exit_signal = SIGCHLD_NUMBER;
    if (adopter) adopter->m_children.push_back(*this);
}

void Process::detach() {
    if (m_parent) m_parent->m_children.remove(*this);
}

void Process::add_thread(Thread& t) {
    m_threads.push_back(t);
    m_live_threads++;
}

bool Process::remove_thread(Thread& t) {
    m_threads.remove(t);
    bool last = --m_live_threads == 0;
    if (m_exec_waiter) sched::wake(*m_exec_waiter);
    return last;
}

bool Process::stop(int sig) {
    if (m_stopped) return false;
    __atomic_store_n(&m_stopped, true, __ATOMIC_RELAXED); // stopped_relaxed
    m_stop_signal = sig;
    m_stop_reportable = true;
    m_continue_reportable = false;
    return true;
}

bool Process::resume(bool by_sigcont) {
    if (!m_stopped) return false;
    __atomic_store_n(&m_stopped, false, __ATOMIC_RELAXED);
    if (by_sigcont) {
        m_stop_reportable = false;
        m_continue_reportable = true;
    }
    m_continue_wait.wake_all();
    return true;
}

int Process::take_stop_report(bool consume) {
    if (!m_stopped || !m_stop_reportable) return 0;
    if (consume) m_stop_reportable = false;
    return m_stop_signal;
}

bool Process::take_continue_report(bool consume) {
    if (!m_continue_reportable) return false;
    if (consume) m_continue_reportable = false;
    return true;
}

void Process::start_exit(int wait_status) {
    if (m_exit_started) return; // the first status stays
    m_exit_started = true;
    m_wait_status = wait_status;
}

VforkDone* Process::take_vfork_done() {
    VforkDone* d = m_vfork_done;
    m_vfork_done = nullptr;
    return d;
}

void Process::set_rlimit(int resource, RLimit r) {
    m_rlimits[resource].max = r.max;
    __atomic_store_n(&m_rlimits[resource].cur, r.cur, __ATOMIC_RELAXED); // rlimit_cur
}

void Process::set_default_rlimits() { default_rlimits(m_rlimits); }

void Process::inherit_from(const Process& parent) {
    m_pgid = parent.m_pgid;
    m_sid = parent.m_sid;
    memcpy(m_rlimits, parent.m_rlimits, sizeof m_rlimits);
    memcpy(m_exe_path, parent.m_exe_path, sizeof m_exe_path);
    memcpy(m_comm, parent.m_comm, sizeof m_comm);
    m_start_brk = parent.m_start_brk;
    m_personality = parent.m_personality;
    m_oom_score_adj = parent.m_oom_score_adj;
    m_sigreturn_trampoline = parent.m_sigreturn_trampoline;
}

Credentials Process::creds() const {
    SpinlockLocker l(m_cred_lock);
    return m_cred;
}

void free_process(Process* p) {
    release_timers(*p);
    lv::destroy(p); // its references to the address space, descriptors and fs context go
}

void register_process(Process& p, Process* parent, Thread& first) {
    giant::Section g;
    p.attach(parent);
    p.add_thread(first);
    g_processes.push_back(p);
    if (!g_init) {
        g_init = &p;
        p.set_unkillable(true);
    }
}

Process* init_process() { return g_init; }

Process::AllList& all_processes() LV_NO_THREAD_SAFETY_ANALYSIS { return g_processes; } // for_each_process holds it

Process* find_process(int pid) {
    giant::Section g;
    for (Process& p : g_processes)
        if (p.pid() == pid) return &p;
    return nullptr;
}

ErrorOr<int> spawn_process(Process* parent, const char* path, const char* const* argv, size_t argc,
                           const char* const* envp, size_t envc, bool new_session) {
    Image img = TRY(load_image(path, argv, argc, envp, envc));
    auto* p = lv::make<Process>();
    if (!p) { lv::destroy(img.as); return Errno::ENOMEM; } // its only reference
    p->set_as(lv::RefPtr<mm::AddressSpace>::adopt(img.as));
    p->set_fds(parent && parent->fds() ? fs::clone_fd_table(*parent->fds()) : fs::create_fd_table());
    p->set_fs(parent && parent->fs() ? fs::clone_fs_context(*parent->fs()) : fs::create_fs_context());
    p->set_sighand(SignalHandlers::create());
    if (!p->fds() || !p->fs() || !p->sighand()) { free_process(p); return Errno::ENOMEM; }
    if (!parent || !parent->fds()) {
        auto r = fs::install_console_fds(*p->fds());
        if (r.is_error()) { free_process(p); return r.error(); }
    } else {
        fs::close_on_exec(*p->fds());
    }
    if (parent) {
        p->init_creds(parent->creds());
        p->inherit_from(*parent);
    } else {
        p->set_default_rlimits();
    }
    p->set_image(img, path);

    Thread* t = create_thread(p, user_thread_entry, nullptr, p->comm());
    if (!t) { free_process(p); return Errno::ENOMEM; }
    p->init_pid(t->tid());
    if (!parent || new_session) {
        p->set_pgid(p->pid());
        p->set_sid(p->pid());
    }
    arch::init_user_frame(*t->user_frame(), img.entry, img.stack_pointer);
    register_process(*p, parent, *t);
    sched::add(*t);
    return p->pid();
}

void release_vfork_parent(Process& p) {
    // One section from taking the pointer to the wake: the parent, once it sees the
    // pointer gone, returns and its stack (where *done lives) is reused.
    giant::Section g;
    VforkDone* done = p.take_vfork_done();
    if (!done) return;
    done->done = true;
    done->queue.wake_all();
}

namespace {
// Tears down what a dead process no longer needs, makes it a zombie and tells the parent.
// Leaves interrupts disabled: from the moment the parent may reap the zombie, this
// thread must not run again except to switch away for good.
void finish_process(Process& p) LV_REQUIRES_GIANT {
    p.take_fs(); // dropped here
    // The memory comes back now, not when the parent reaps the zombie (Linux's exit_mm):
    // a killed process must free what it held even if nobody waits for it. This thread
    // moves to the kernel's empty user half first.
    {
        lv::RefPtr<fs::FdTable> fds;
        lv::RefPtr<mm::AddressSpace> as;
        {
            giant::Section g;
            fds = p.take_fds();
            as = p.take_as();
        }
        // Closing the descriptors and tearing the memory down need only the table's and
        // the address space's locks; a file that needs the giant lock to be released
        // takes it itself (fs::File::~File).
        giant::Released unlocked;
        if (as) arch::activate_user_root(0); // off the old user half before it goes
        fds.clear();
        as.clear();
    }
    arch::irq_disable();
    release_vfork_parent(p);
    // Orphans go to the nearest living subreaper ancestor, else to init, as on Linux
    // (find_new_reaper); zombies among them are reaped at once if init is the one dying.
    Process* adopter = g_init && g_init != &p ? g_init : nullptr;
    for (Process* a = p.parent(); a && a != g_init; a = a->parent()) {
        if (a->child_subreaper() && !a->exit_started()) {
            adopter = a;
            break;
        }
    }
    for (Process& c : p.children()) {
        if (c.pdeath_signal() && !c.zombie()) send_signal(c, c.pdeath_signal());
        c.reparent(adopter);
        if (adopter) {
            if (c.zombie()) {
                send_signal(*adopter, SIGCHLD);
                adopter->child_wait().wake_all();
            }
        } else if (c.zombie()) {
            g_processes.remove(c);
            free_process(&c);
        }
    }
    p.make_zombie();
    if (p.parent()) {
        if (p.exit_signal()) send_signal(*p.parent(), p.exit_signal());
        p.parent()->child_wait().wake_all();
    }
    notify_process_exit(p);
}
} // namespace

[[noreturn]] void exit_thread(int code) {
    Thread& t = current_thread();
    Process& p = *t.process();
    if (t.own().clear_child_tid) {
        // CLONE_CHILD_CLEARTID: zero the tid word and wake a futex waiter on it. Only
        // the address space's and the futexes' locks: after a fork, the write is
        // usually a copy-on-write fault.
        giant::Released unlocked;
        u32 zero = 0;
        (void)mm::copy_to_user(t.own().clear_child_tid, &zero, sizeof zero);
        futex_wake_address(t.own().clear_child_tid);
    }
    bool last;
    {
        giant::Section g;
        last = p.remove_thread(t);
        if (last) p.start_exit(exit_status_code(code));
        // Not the last: off the CPU with no preemption in between (the section). Preempted
        // here, the thread could be switched back in after the last one ended the process
        // and the parent freed it (the switch reads the process's address space and CPU
        // times).
        // FIXME(SMP): a reference to the process instead.
        if (!last) sched::exit_current();
    }
    // The address space is freed by whoever reaps the zombie; this thread still runs on
    // it until exit_current() switches away.
    if (last) finish_process(p);
    sched::exit_current();
}

[[noreturn]] void exit_process(int wait_status) {
    Thread& self = current_thread();
    Process& p = *self.process();
    {
        giant::Section g;
        p.start_exit(wait_status);
        // Every other thread dies at its next return to user mode (or wakes to do so).
        for (Thread& t : p.threads()) {
            if (&t == &self) continue;
            t.set_exiting();
            sched::wake(t);
        }
    }
    exit_thread(0);
}

ErrorOr<int> wait_child(int pid, int options, int* status, bool no_reap, CpuSplit* usage, u32* uid) {
    constexpr int kWNOHANG = 1, kWUNTRACED = 2, kWEXITED = 4, kWCONTINUED = 8;
    Process& self = current_process();
    // Linux's do_wait looks at the children once more after a signal woke it: the child's
    // exit both wakes us and (SIGCHLD) makes a signal pending, and that is a success.
    bool interrupted = false;
    // What the caller learns of the child it reports on.
    auto report = [&](Process& c, int wait_status) LV_REQUIRES_GIANT {
        *status = wait_status;
        if (usage) *usage = child_total_cpu(c);
        if (uid) *uid = c.uid();
    };
    for (;;) {
        Process* reaped = nullptr; // freed below, without the giant lock
        int found = 0;
        {
            giant::Section g;
            bool any = false;
            for (Process& c : self.children()) {
                bool match = pid == -1 || (pid > 0 && c.pid() == pid) || (pid == 0 && c.pgid() == self.pgid()) ||
                             (pid < -1 && c.pgid() == -pid);
                if (!match) continue;
                any = true;
                if ((options & kWEXITED) && c.zombie() && !c.live_threads()) {
                    found = c.pid();
                    report(c, c.wait_status());
                    if (!no_reap) {
                        unlink_reaped(c);
                        reaped = &c;
                    }
                    break;
                }
                // Job control: a stop or a continue is reported once (WNOWAIT leaves it).
                if (int sig = (options & kWUNTRACED) ? c.take_stop_report(!no_reap) : 0) {
                    report(c, (sig << 8) | 0x7f);
                    return c.pid();
                }
                if ((options & kWCONTINUED) && c.take_continue_report(!no_reap)) {
                    report(c, 0xffff);
                    return c.pid();
                }
            }
            if (!found) {
                if (!any) return Errno::ECHILD;
                if (options & kWNOHANG) return 0;
                if (interrupted) return Errno::EINTR;
                // In the section that looked: a child that changes state after the look
                // wakes us, since it needs the giant lock to do so, and the section keeps
                // it until this thread is asleep. (A preemption between the two gave the
                // lock up, and a child's exit then woke nobody: a hang when SIGCHLD is
                // ignored and so never interrupts the sleep.)
                if (self.child_wait().wait_interruptible().is_error()) interrupted = true;
                continue;
            }
        }
        if (reaped) {
            giant::Released unlocked; // freeing needs only the allocators' locks
            free_process(reaped);
        }
        return found;
    }
}
} // namespace kernel
