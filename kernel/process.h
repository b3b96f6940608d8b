// Processes. A Process owns an address space, a file-descriptor table and a
// filesystem context (cwd, umask); its threads share them. Parent/child links and
// exit statuses follow Linux: a dead process stays a zombie until its parent reaps it.
#pragma once
#include <kernel/cred.h>
#include <kernel/itimer.h>
#include <kernel/sync/giant.h>
#include <kernel/thread.h>
#include <kernel/sync/spinlock.h>
#include <kernel/wait_queue.h>
#include <lib/list.h>
#include <lib/ref_ptr.h>
#include <lib/result.h>
#include <lib/types.h>

namespace fs {
class FdTable;    // fs/fd_table.h
struct FsContext; // fs/context.h
} // namespace fs
namespace mm {
class AddressSpace; // mm/address_space.h
}

namespace kernel {
struct ProcessTimers; // kernel/itimer.h
struct Image;         // kernel/exec.h
struct VforkDone;     // below

struct Credentials {
    u32 uid = 0, euid = 0, suid = 0, fsuid = 0;
    u32 gid = 0, egid = 0, sgid = 0, fsgid = 0;
    lv::RefPtr<GroupList> groups; // supplementary groups (null: none); kernel/cred.h
};

// struct k_sigaction as the kernel sees it (rt_sigaction), same on both arches.
struct SignalAction {
    u64 handler = 0; // SIG_DFL 0, SIG_IGN 1, or a user address
    u64 flags = 0;
    u64 restorer = 0;
    u64 mask = 0;
};

constexpr int SIGCHLD_NUMBER = 17;

// The signal actions (rt_sigaction), Linux's sighand_struct: one table per process,
// shared with the processes cloned with CLONE_SIGHAND (and CLONE_VM), copied by fork,
// unshared by execve. Signals are numbered 1..64.
class SignalHandlers : public lv::RefCounted<SignalHandlers> {
public:
    static constexpr u64 kDefault = 0, kIgnore = 1; // SIG_DFL, SIG_IGN
    static lv::RefPtr<SignalHandlers> create();     // every action SIG_DFL; null on ENOMEM
    lv::RefPtr<SignalHandlers> copy() const;        // null on ENOMEM
    void copy_from(const SignalHandlers& src);      // this table takes src's actions

    SignalAction action(int sig) const;
    u64 handler(int sig) const { return action(sig).handler; }
    // rt_sigaction: installs `na` and returns the action it replaces.
    SignalAction replace(int sig, const SignalAction& na);
    // The signals set to SIG_IGN and those with a handler, as bit masks (bit n-1 for
    // signal n: /proc/PID/stat's sigignore and sigcatch).
    void dispositions(u64& ignored, u64& caught) const;
    // SA_RESETHAND: the handler goes back to SIG_DFL once it runs.
    void reset(int sig);
    // A synchronous fault (force_sig_info): an ignored signal, or one the thread blocks
    // (`blocked`), is set back to SIG_DFL. Returns the handler that will run.
    u64 force_default(int sig, bool blocked);
    // execve: caught signals go back to SIG_DFL, ignored ones stay ignored.
    void reset_caught();

private:
    mutable Spinlock m_lock {"sighand"};
    SignalAction m_actions[64] LV_GUARDED_BY(m_lock);
};

struct RLimit {
    u64 cur, max;
};
constexpr int kNumRlimits = 16;
// Resource numbers for Process::rlimit: Linux's RLIMIT_* numbers (the same on every architecture).
enum : int {
    kRlimitCpu = 0, kRlimitFsize = 1, kRlimitData = 2, kRlimitStack = 3, kRlimitCore = 4, kRlimitRss = 5,
    kRlimitNproc = 6, kRlimitNofile = 7, kRlimitMemlock = 8, kRlimitAs = 9, kRlimitLocks = 10,
    kRlimitSigpending = 11, kRlimitMsgqueue = 12, kRlimitNice = 13, kRlimitRtprio = 14, kRlimitRttime = 15,
};
constexpr u64 kRlimInfinity = ~0ull;

// A process: its threads, its place in the process tree, its signals, job control and
// exit state, and the resources its threads share. Its state is private; each field
// names its lock, and the methods that reach it require that lock (clang's analysis
// checks every call):
//   - the giant lock (kernel/sync/giant.h, LV_REQUIRES_GIANT) still guards the process
//     table and tree, signals, job control and exit state, limits, names and the small
//     per-process settings;
//   - the credentials are under m_cred_lock; the interval and POSIX timers' pointer under
//     g_timer_lock (kernel/itimer.h); the contents of sighand under SignalHandlers'
//     lock; child_wait and continue_wait under their own wait-queue locks;
//   - pid and start_ns are set once before the process is registered and never change;
//   - as, fds and fs (the pointers) change under the giant lock only when no other
//     thread of the process runs (fork, before it is registered; execve, once de_thread
//     is done; exit, in its last thread), so the process's own threads read them without
//     it (page faults, the giant-free calls); what they point to has its own locks
//     (mm::AddressSpace::m_lock, fs::FdTable::m_lock);
//   - a few words are also read without the giant lock, one at a time, by the accessors
//     named *_relaxed (the return-to-user check, signal.cpp's return_work): a change from
//     another CPU is followed by a kick of the thread (sched::kick); so are the soft
//     limits (rlimit_cur) and the real and effective uid (uid, euid);
//   - the CPU-time counters are atomic.
// A new process is private to its maker until register_process: fork fills it through
// the setters marked "before it is registered" without the giant lock. A reaped zombie
// leaves the table and the tree, and loses its timers, under the giant lock, and is freed
// after (wait_child): nothing can reach it by then.
class Process {
    // The table's and the parent's lists link through these (AllList, ChildList).
    lv::ListNode m_all_node;
    lv::ListNode m_sibling_node;

public:
    using ThreadList = Thread::ProcessList;
    using ChildList = lv::IntrusiveList<Process, &Process::m_sibling_node>;
    using AllList = lv::IntrusiveList<Process, &Process::m_all_node>;

    // Out of line (kernel/process.cpp), where the shared pieces' types are complete.
    Process();
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    // Identity. The pid (its first thread's tid) and the start time are given once,
    // before the process is registered.
    int pid() const { return m_pid; }
    u64 start_ns() const { return m_start_ns; }
    void init_pid(int pid); // also records the start time; before it is registered
    int pgid() const LV_REQUIRES_GIANT { return m_pgid; }
    int sid() const LV_REQUIRES_GIANT { return m_sid; }
    void set_pgid(int pgid) LV_REQUIRES_GIANT { m_pgid = pgid; }
    void set_sid(int sid) LV_REQUIRES_GIANT { m_sid = sid; }

    // Credentials (kernel/cred.h), under m_cred_lock: readers take a copy, which stays
    // coherent however the process changes them meanwhile; the process's own set*id
    // calls change them in one step under the lock.
    Credentials creds() const;
    // Applies `rule` (one of kernel/cred.h's, ErrorOr<void>(Credentials&)) to a copy and
    // installs the copy only if the rule allowed the change.
    template <typename F>
    ErrorOr<void> change_creds(F rule) {
        Credentials old; // dropped once the lock is given up: it may free a group list
        SpinlockLocker l(m_cred_lock);
        Credentials c = m_cred;
        TRY(rule(c));
        old = lv::move(m_cred);
        m_cred = lv::move(c);
        return {};
    }
    // A new process's, before it is registered: no other thread can see it yet, so
    // without the lock.
    void init_creds(Credentials c) LV_NO_THREAD_SAFETY_ANALYSIS { m_cred = lv::move(c); }
    // The real or effective uid alone, without the lock: one aligned word is never torn,
    // and a value from just before a concurrent set*id is what a caller a moment earlier
    // would have seen. For the paths that need only it (RLIMIT_NPROC's count of a user's
    // tasks, a signal's si_uid, the privilege check of fork).
    u32 uid() const LV_NO_THREAD_SAFETY_ANALYSIS { return __atomic_load_n(&m_cred.uid, __ATOMIC_RELAXED); }
    u32 euid() const LV_NO_THREAD_SAFETY_ANALYSIS { return __atomic_load_n(&m_cred.euid, __ATOMIC_RELAXED); }

    // Shared by reference (CLONE_VM, CLONE_FILES, CLONE_FS): the last process to drop
    // its reference frees them. Read by the process's own threads without a lock, set
    // only while no other thread of it runs (see above).
    const lv::RefPtr<mm::AddressSpace>& as() const { return m_as; }
    const lv::RefPtr<fs::FdTable>& fds() const { return m_fds; }
    const lv::RefPtr<fs::FsContext>& fs() const { return m_fs; }
    // (Out of line, where the types are complete.)
    void set_as(lv::RefPtr<mm::AddressSpace> as);
    void set_fds(lv::RefPtr<fs::FdTable> fds);
    void set_fs(lv::RefPtr<fs::FsContext> fs);
    lv::RefPtr<mm::AddressSpace> take_as();
    lv::RefPtr<fs::FdTable> take_fds();
    lv::RefPtr<fs::FsContext> take_fs();
    // The signal actions: never null once made; shared (CLONE_SIGHAND) or its own.
    const lv::RefPtr<SignalHandlers>& sighand() const { return m_sighand; }
    void set_sighand(lv::RefPtr<SignalHandlers> h) { m_sighand = lv::move(h); }

    // Names: /proc/PID/comm (the thread names start from it) and /proc/PID/exe.
    const char* comm() const LV_REQUIRES_GIANT { return m_comm; }
    void set_comm(const char* name) LV_REQUIRES_GIANT;
    const char* exe_path() const LV_REQUIRES_GIANT { return m_exe_path; }

    // The process tree. attach (register_process) links a new process under its parent;
    // reparent moves an orphan to its new parent (null: none, it is about to be freed);
    // detach takes a reaped zombie off its parent's list.
    Process* parent() const LV_REQUIRES_GIANT { return m_parent; }
    ChildList& children() LV_REQUIRES_GIANT { return m_children; }
    void attach(Process* parent) LV_REQUIRES_GIANT;
    void reparent(Process* adopter) LV_REQUIRES_GIANT;
    void detach() LV_REQUIRES_GIANT;
    WaitQueue& child_wait() { return m_child_wait; } // this process waits here for its children

    // Threads. remove_thread says whether the last one went, and wakes an execve that
    // waits for the others to be gone (de_thread: wait_single_thread).
    ThreadList& threads() LV_REQUIRES_GIANT { return m_threads; }
    const ThreadList& threads() const LV_REQUIRES_GIANT { return m_threads; }
    int live_threads() const LV_REQUIRES_GIANT { return m_live_threads; }
    void add_thread(Thread& t) LV_REQUIRES_GIANT;
    bool remove_thread(Thread& t) LV_REQUIRES_GIANT;
    void set_exec_waiter(Thread* t) LV_REQUIRES_GIANT { m_exec_waiter = t; }

    // Process-directed signals.
    PendingSignals& pending() LV_REQUIRES_GIANT { return m_pending; }
    u64 pending_signals_relaxed() const LV_NO_THREAD_SAFETY_ANALYSIS { return m_pending.bits_relaxed(); }
    // Linux's SIGNAL_UNKILLABLE: the first process ignores every signal whose action is
    // SIG_DFL (SIGKILL and SIGSTOP included) unless the kernel forces it (a fault, the
    // OOM killer when nothing else is left). A fault with SIG_DFL clears it.
    bool unkillable() const LV_REQUIRES_GIANT { return m_unkillable; }
    void set_unkillable(bool v) LV_REQUIRES_GIANT { m_unkillable = v; }
    // The trampoline exec mapped for rt_sigreturn (0: none).
    VirtAddr sigreturn_trampoline() const LV_REQUIRES_GIANT { return m_sigreturn_trampoline; }

    // Job control: stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU until SIGCONT or SIGKILL.
    // A stop and a continue are each reported once to wait with WUNTRACED/WCONTINUED.
    bool stopped() const LV_REQUIRES_GIANT { return m_stopped; }
    bool stopped_relaxed() const LV_NO_THREAD_SAFETY_ANALYSIS { return __atomic_load_n(&m_stopped, __ATOMIC_RELAXED); }
    // Stops the process with `sig`; false if it was stopped already.
    bool stop(int sig) LV_REQUIRES_GIANT;
    // Lets a stopped process run again, reporting a continue if `by_sigcont` (SIGKILL
    // resumes it to die, unreported); wakes its stopped threads. False if it was running.
    bool resume(bool by_sigcont) LV_REQUIRES_GIANT;
    // For wait: the unreported stop's signal (0 if none), and whether a continue is
    // unreported; consume marks them reported.
    int take_stop_report(bool consume) LV_REQUIRES_GIANT;
    bool take_continue_report(bool consume) LV_REQUIRES_GIANT;
    WaitQueue& continue_wait() { return m_continue_wait; } // its stopped threads sleep here

    // Exit. The first exit_group, fatal signal or last thread's exit sets the wait status
    // (Linux's wait status: (code << 8) or the signal number); the last thread makes the
    // process a zombie, which its parent reaps.
    bool exit_started() const LV_REQUIRES_GIANT { return m_exit_started; }
    void start_exit(int wait_status) LV_REQUIRES_GIANT;
    bool zombie() const LV_REQUIRES_GIANT { return m_zombie; }
    void make_zombie() LV_REQUIRES_GIANT { m_zombie = true; }
    int wait_status() const LV_REQUIRES_GIANT { return m_wait_status; }
    // Sent to the parent at exit (clone's low byte; SIGCHLD once reparented).
    int exit_signal() const LV_REQUIRES_GIANT { return m_exit_signal; }
    void set_exit_signal(int sig) LV_REQUIRES_GIANT { m_exit_signal = sig; }
    // vfork: the parent's completion, on the parent's kernel stack (Linux's
    // task_struct::vfork_done); taken (and so forgotten) when this child execs or exits
    // (release_vfork_parent), or given up by the parent itself when SIGKILL ends its
    // wait first. The parent never touches this Process after the child may have been
    // reaped: it finds it again by pid.
    VforkDone* vfork_done() const LV_REQUIRES_GIANT { return m_vfork_done; }
    void set_vfork_done(VforkDone* d) LV_REQUIRES_GIANT { m_vfork_done = d; }
    VforkDone* take_vfork_done() LV_REQUIRES_GIANT;

    // prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are reparented here instead of
    // to init (the nearest living subreaper ancestor wins).
    bool child_subreaper() const LV_REQUIRES_GIANT { return m_child_subreaper; }
    void set_child_subreaper(bool v) LV_REQUIRES_GIANT { m_child_subreaper = v; }
    // prctl(PR_SET_PDEATHSIG): sent to this process when its parent exits. Linux ties it
    // to the parent *thread*; here parents are processes. Cleared by fork.
    int pdeath_signal() const LV_REQUIRES_GIANT { return m_pdeath_signal; }
    void set_pdeath_signal(int sig) LV_REQUIRES_GIANT { m_pdeath_signal = sig; }
    // The OOM killer (kernel/oom.h): /proc/PID/oom_score_adj (inherited by fork), and
    // whether this process was chosen: 1 on its way out, 2 chosen long ago and still not
    // dead (stuck: the killer moves on to another).
    int oom_score_adj() const LV_REQUIRES_GIANT { return m_oom_score_adj; }
    void set_oom_score_adj(int v) LV_REQUIRES_GIANT { m_oom_score_adj = v; }
    u8 oom_victim() const LV_REQUIRES_GIANT { return m_oom_victim; }
    void set_oom_victim(u8 v) LV_REQUIRES_GIANT { m_oom_victim = v; }
    // personality(2): PER_LINUX and its flags.
    u32 personality() const LV_REQUIRES_GIANT { return m_personality; }
    void set_personality(u32 v) LV_REQUIRES_GIANT { m_personality = v; }
    // A set*uid moved it to a user over RLIMIT_NPROC: execve fails (Linux's
    // PF_NPROC_EXCEEDED; kernel/nproc.h).
    bool nproc_exceeded() const LV_REQUIRES_GIANT { return m_nproc_exceeded; }
    void set_nproc_exceeded(bool v) LV_REQUIRES_GIANT { m_nproc_exceeded = v; }
    VirtAddr start_brk() const LV_REQUIRES_GIANT { return m_start_brk; }
    // What a new image (execve, spawn) leaves: brk's start, the rt_sigreturn trampoline,
    // and the names, from the path it was loaded from (/proc/PID/exe, comm).
    void set_image(const Image& img, const char* path) LV_REQUIRES_GIANT;

    // Resource limits (getrlimit/setrlimit/prlimit). A soft limit is also read without
    // the lock (rlimit_cur): one word, changed by prlimit from another process under the
    // lock, and what a caller a moment earlier would have seen.
    RLimit rlimit(int resource) const LV_REQUIRES_GIANT { return m_rlimits[resource]; }
    void set_rlimit(int resource, RLimit r) LV_REQUIRES_GIANT;
    u64 rlimit_cur(int resource) const LV_NO_THREAD_SAFETY_ANALYSIS {
        return __atomic_load_n(&m_rlimits[resource].cur, __ATOMIC_RELAXED);
    }
    void set_default_rlimits() LV_REQUIRES_GIANT;

    // What a child inherits from its parent at fork (and spawn): the process group and
    // session, limits, names, brk start, personality, OOM adjustment and sigreturn
    // trampoline. Before it is registered.
    void inherit_from(const Process& parent) LV_REQUIRES_GIANT;

    // CPU time sampled by the timer tick (whole process, dead threads too): added to
    // atomically by the ticks of every CPU the threads run on, without the giant lock.
    void add_tick_ns(bool user, u64 ns) { __atomic_fetch_add(user ? &m_utime_ns : &m_stime_ns, ns, __ATOMIC_RELAXED); }
    u64 tick_utime_ns() const { return __atomic_load_n(&m_utime_ns, __ATOMIC_RELAXED); }
    u64 tick_stime_ns() const { return __atomic_load_n(&m_stime_ns, __ATOMIC_RELAXED); }
    // Exact runtime of the threads that have exited (added to under a run queue's lock).
    void add_dead_thread_runtime(u64 ns) { __atomic_fetch_add(&m_dead_threads_runtime_ns, ns, __ATOMIC_RELAXED); }
    u64 dead_threads_runtime_ns() const { return __atomic_load_n(&m_dead_threads_runtime_ns, __ATOMIC_RELAXED); }
    // The last user/system split reported for the whole process (kernel/itimer.cpp), and
    // the reaped children's totals (getrusage RUSAGE_CHILDREN, times(2)).
    CpuSplit& reported_cpu() LV_REQUIRES_GIANT { return m_reported_cpu; }
    CpuSplit children_cpu() const LV_REQUIRES_GIANT { return m_children_cpu; }
    void add_children_cpu(CpuSplit c) LV_REQUIRES_GIANT {
        m_children_cpu.utime_ns += c.utime_ns;
        m_children_cpu.stime_ns += c.stime_ns;
    }

    // alarm, setitimer, timer_create; made on first use (kernel/itimer.h: timers_of, which
    // looks without the lock first: once made, they stay until the process is reaped;
    // they are published with a release store).
    ProcessTimers* timers() const LV_REQUIRES(g_timer_lock) { return m_timers; }
    void set_timers(ProcessTimers* t) LV_REQUIRES(g_timer_lock) { __atomic_store_n(&m_timers, t, __ATOMIC_RELEASE); }
    ProcessTimers* timers_relaxed() const LV_NO_THREAD_SAFETY_ANALYSIS {
        return __atomic_load_n(&m_timers, __ATOMIC_ACQUIRE);
    }

private:
    int m_pid = 0;
    u64 m_start_ns = 0;
    int m_pgid LV_GUARDED_BY_GIANT = 0;
    int m_sid LV_GUARDED_BY_GIANT = 0;

    // A leaf lock: nothing is taken under it, so the lock-order checker, whose
    // bookkeeping on every acquisition costs more than these few loads, leaves it out.
    mutable Spinlock m_cred_lock {"cred", false};
    Credentials m_cred LV_GUARDED_BY(m_cred_lock);

    lv::RefPtr<mm::AddressSpace> m_as;
    lv::RefPtr<fs::FdTable> m_fds;
    lv::RefPtr<fs::FsContext> m_fs;
    lv::RefPtr<SignalHandlers> m_sighand;

    char m_comm[16] LV_GUARDED_BY_GIANT = {};
    char m_exe_path[256] LV_GUARDED_BY_GIANT = {};

    Process* m_parent LV_GUARDED_BY_GIANT = nullptr;
    ChildList m_children LV_GUARDED_BY_GIANT;
    WaitQueue m_child_wait;

    ThreadList m_threads LV_GUARDED_BY_GIANT;
    int m_live_threads LV_GUARDED_BY_GIANT = 0;
    Thread* m_exec_waiter LV_GUARDED_BY_GIANT = nullptr;

    PendingSignals m_pending LV_GUARDED_BY_GIANT;
    bool m_unkillable LV_GUARDED_BY_GIANT = false;
    VirtAddr m_sigreturn_trampoline LV_GUARDED_BY_GIANT = 0;

    bool m_stopped LV_GUARDED_BY_GIANT = false;
    int m_stop_signal LV_GUARDED_BY_GIANT = 0;
    bool m_stop_reportable LV_GUARDED_BY_GIANT = false;
    bool m_continue_reportable LV_GUARDED_BY_GIANT = false;
    WaitQueue m_continue_wait;

    bool m_exit_started LV_GUARDED_BY_GIANT = false;
    bool m_zombie LV_GUARDED_BY_GIANT = false;
    int m_wait_status LV_GUARDED_BY_GIANT = 0;
    int m_exit_signal LV_GUARDED_BY_GIANT = SIGCHLD_NUMBER;
    VforkDone* m_vfork_done LV_GUARDED_BY_GIANT = nullptr;

    bool m_child_subreaper LV_GUARDED_BY_GIANT = false;
    int m_pdeath_signal LV_GUARDED_BY_GIANT = 0;
    int m_oom_score_adj LV_GUARDED_BY_GIANT = 0;
    u8 m_oom_victim LV_GUARDED_BY_GIANT = 0;
    u32 m_personality LV_GUARDED_BY_GIANT = 0;
    bool m_nproc_exceeded LV_GUARDED_BY_GIANT = false;
    VirtAddr m_start_brk LV_GUARDED_BY_GIANT = 0;
    RLimit m_rlimits[kNumRlimits] LV_GUARDED_BY_GIANT;

    u64 m_utime_ns = 0, m_stime_ns = 0;     // atomic
    u64 m_dead_threads_runtime_ns = 0;      // atomic
    CpuSplit m_reported_cpu LV_GUARDED_BY_GIANT;
    CpuSplit m_children_cpu LV_GUARDED_BY_GIANT;

    ProcessTimers* m_timers LV_GUARDED_BY(g_timer_lock) = nullptr;
};

Process& current_process();
Thread& current_thread();
// kernel/cred.h's capable() for a process, from its effective uid alone (Process::euid,
// without a copy of its credentials).
bool capable(const Process& p);

// The process table.
Process* find_process(int pid);
Process::AllList& all_processes();
template <typename F>
void for_each_process(F f) {
    giant::Section g;
    for (Process& p : all_processes()) f(p);
}

// Creates a process running `path` with argv/envp (kernel strings), child of `parent`
// (null for the first process), inheriting its fds and cwd. Returns its pid.
// With new_session the child leads a new session and process group (as init makes its
// console's first program), else it joins the parent's.
ErrorOr<int> spawn_process(Process* parent, const char* path, const char* const* argv, size_t argc,
                           const char* const* envp, size_t envc, bool new_session = false) LV_REQUIRES_GIANT;
// Linux's defaults for a first process (RLIMIT_NOFILE 1024/4096, RLIMIT_STACK 8 MiB...).
void default_rlimits(RLimit* r);

// Internal pieces of process creation shared by spawn and clone (kernel/process.cpp).
void register_process(Process& p, Process* parent, Thread& first);
void user_thread_entry(void*);
void free_process(Process* p);
// What a vfork parent sleeps on until its child execs or exits.
struct VforkDone {
    bool done = false;
    WaitQueue queue;
};
void release_vfork_parent(Process& p); // the child exec'd or exited: wake its vfork parent

// Terminates the current process with a wait status (exit_group, fatal signal).
[[noreturn]] void exit_process(int wait_status) LV_REQUIRES_GIANT;
// Terminates the current thread only (exit); the process ends with its last thread.
[[noreturn]] void exit_thread(int code) LV_REQUIRES_GIANT;

// Waits for a child (wait4/waitid semantics: pid > 0, -1 any, 0 own group, < -1 group).
// `options`: WNOHANG, and which events count: WEXITED (4), WUNTRACED/WSTOPPED (2),
// WCONTINUED (8). Returns the pid, 0 for WNOHANG with nothing ready; fills *status
// with a Linux wait status (0x7f | sig << 8 for a stop, 0xffff for a continue). With
// no_reap (WNOWAIT) the child stays a zombie, or its event stays reportable. `usage` receives the child's CPU times (its own
// and its reaped children's: wait4's rusage), `uid` its real uid (waitid's si_uid).
ErrorOr<int> wait_child(int pid, int options, int* status, bool no_reap = false, CpuSplit* usage = nullptr,
                        u32* uid = nullptr) LV_REQUIRES_GIANT;
// The first process (init): orphans are reparented to it.
Process* init_process();

// Wait status helpers.
constexpr int exit_status_code(int code) { return (code & 0xff) << 8; }
} // namespace kernel
