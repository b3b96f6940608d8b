// Processes. A Process owns an address space, a file-descriptor table and a
// filesystem context (cwd, umask); its threads share them. Parent/child links and
// exit statuses follow Linux: a dead process stays a zombie until its parent reaps it.
#pragma once
#include <kernel/cred.h>
#include <kernel/itimer.h>
#include <kernel/lock.h>
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
// Indices into Process::rlimits: Linux's RLIMIT_* numbers (the same on every architecture).
enum : int {
    kRlimitCpu = 0, kRlimitFsize = 1, kRlimitData = 2, kRlimitStack = 3, kRlimitCore = 4, kRlimitRss = 5,
    kRlimitNproc = 6, kRlimitNofile = 7, kRlimitMemlock = 8, kRlimitAs = 9, kRlimitLocks = 10,
    kRlimitSigpending = 11, kRlimitMsgqueue = 12, kRlimitNice = 13, kRlimitRtprio = 14, kRlimitRttime = 15,
};
constexpr u64 kRlimInfinity = ~0ull;

// Locking. The fields marked LV_GUARDED_BY_GIANT are under the giant lock
// (kernel/sync/giant.h: InterruptGuard sections and the system calls that hold it),
// which is what still guards the process table and tree, signals, job control and exit
// state; clang's analysis checks every access. The others:
//   - pid never changes once the process is registered.
//   - as, fds and fs (the pointers) change under the giant lock only when no other
//     thread of the process runs (fork, before it is registered; execve, once
//     de_thread is done; exit, in its last thread), so the process's own threads read
//     them without it (page faults, the giant-free calls); what they point to has its
//     own locks (mm::AddressSpace::m_lock, fs::FdTable::m_lock).
//   - pending_signals, stopped and the threads' exiting flags are also read without it,
//     one word at a time, through the *_relaxed accessors (the return-to-user check,
//     signal.cpp's return_work): a change from another CPU is followed by a kick of the
//     thread (sched::kick). So are the soft limits (rlimit_cur).
//   - timers is under g_timer_lock (kernel/itimer.h); dead_threads_runtime_ns is added
//     to atomically; start_ns is set before the process is registered.
//   - creds are under m_cred_lock (below).
//   - the contents of sighand are under SignalHandlers::m_lock; continue_wait and
//     child_wait under their own wait-queue locks.
//   - a new process is private to its maker until register_process: fork fills part of
//     it without the giant lock (kernel/clone.cpp's copy_pieces). A reaped zombie leaves
//     the table and the tree, and loses its timers, under the giant lock, and is freed
//     after (wait_child): nothing can reach it by then.
struct Process {
    // Out of line (kernel/process.cpp), where the shared pieces' types are complete.
    Process();
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    int pid = 0;
    int pgid LV_GUARDED_BY_GIANT = 0;
    int sid LV_GUARDED_BY_GIANT = 0;
    Process* parent LV_GUARDED_BY_GIANT = nullptr;

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
    // A new process's, before register_process: no other thread can see it yet, so
    // without the lock.
    void init_creds(Credentials c) LV_NO_THREAD_SAFETY_ANALYSIS { m_cred = lv::move(c); }
    // The real or effective uid alone, without the lock: one aligned word is never torn,
    // and a value from just before a concurrent set*id is what a caller a moment earlier
    // would have seen. For the paths that need only it (RLIMIT_NPROC's count of a user's
    // tasks, a signal's si_uid, the privilege check of fork).
    u32 uid() const LV_NO_THREAD_SAFETY_ANALYSIS { return __atomic_load_n(&m_cred.uid, __ATOMIC_RELAXED); }
    u32 euid() const LV_NO_THREAD_SAFETY_ANALYSIS { return __atomic_load_n(&m_cred.euid, __ATOMIC_RELAXED); }
    // Shared by reference (CLONE_VM, CLONE_FILES, CLONE_FS): the last process to drop
    // its reference frees them.
    lv::RefPtr<mm::AddressSpace> as;
    lv::RefPtr<fs::FdTable> fds;
    lv::RefPtr<fs::FsContext> fs;
    char exe_path[256] LV_GUARDED_BY_GIANT = {}; // /proc/self/exe
    char comm[16] LV_GUARDED_BY_GIANT = {};

    lv::IntrusiveList<Thread, &Thread::process_node> threads LV_GUARDED_BY_GIANT;
    int live_threads LV_GUARDED_BY_GIANT = 0;
    // execve's de_thread: the thread waiting for the others to be gone (exit_thread
    // wakes it). Both under the giant lock.
    Thread* exec_waiter LV_GUARDED_BY_GIANT = nullptr;

    lv::ListNode all_node;     // every process
    lv::ListNode sibling_node; // parent's children
    lv::IntrusiveList<Process, &Process::sibling_node> children LV_GUARDED_BY_GIANT;
    WaitQueue child_wait; // this process waits here for its children

    // Never null; shared (CLONE_SIGHAND) or this process's own.
    lv::RefPtr<SignalHandlers> sighand;
    u64 pending_signals LV_GUARDED_BY_GIANT = 0; // process-directed
    u64 pending_signals_relaxed() const LV_NO_THREAD_SAFETY_ANALYSIS { // without the lock: see above
        return __atomic_load_n(&pending_signals, __ATOMIC_RELAXED);
    }
    Thread::SigInfo siginfo[64] LV_GUARDED_BY_GIANT; // details of pending process-directed signals
    VirtAddr sigreturn_trampoline LV_GUARDED_BY_GIANT = 0; // mapped by exec

    RLimit rlimits[kNumRlimits] LV_GUARDED_BY_GIANT;
    // A soft limit read without the lock: one word, changed by prlimit from another
    // process under the lock, and what a caller a moment earlier would have seen.
    u64 rlimit_cur(int resource) const LV_NO_THREAD_SAFETY_ANALYSIS {
        return __atomic_load_n(&rlimits[resource].cur, __ATOMIC_RELAXED);
    }
    VirtAddr start_brk LV_GUARDED_BY_GIANT = 0;

    int exit_signal LV_GUARDED_BY_GIANT = SIGCHLD_NUMBER; // sent to the parent at exit (clone's low byte)
    // Linux's SIGNAL_UNKILLABLE: the first process ignores every signal whose action is
    // SIG_DFL (SIGKILL and SIGSTOP included) unless the kernel forces it (a fault, the
    // OOM killer when nothing else is left). A fault with SIG_DFL clears it.
    bool unkillable LV_GUARDED_BY_GIANT = false;
    // prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are reparented here instead of
    // to init (the nearest living subreaper ancestor wins).
    bool child_subreaper LV_GUARDED_BY_GIANT = false;
    // prctl(PR_SET_PDEATHSIG): sent to this process when its parent exits. Linux ties it
    // to the parent *thread*; here parents are processes. Cleared by fork.
    int pdeath_signal LV_GUARDED_BY_GIANT = 0;
    // The OOM killer (kernel/oom.h): /proc/PID/oom_score_adj (inherited by fork), and
    // whether this process was chosen: 1 on its way out, 2 chosen long ago and still not
    // dead (stuck: the killer moves on to another).
    int oom_score_adj LV_GUARDED_BY_GIANT = 0;
    u8 oom_victim LV_GUARDED_BY_GIANT = 0;
    // vfork: the parent's completion, on the parent's kernel stack (Linux's
    // task_struct::vfork_done); released (set to null) when this child execs or exits,
    // or by the parent itself when SIGKILL ends its wait first. The parent never touches
    // this Process after the child may have been reaped: it finds it again by pid.
    VforkDone* vfork_done LV_GUARDED_BY_GIANT = nullptr;

    // Job control: stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU until SIGCONT or SIGKILL.
    bool stopped LV_GUARDED_BY_GIANT = false;
    bool stopped_relaxed() const LV_NO_THREAD_SAFETY_ANALYSIS { return __atomic_load_n(&stopped, __ATOMIC_RELAXED); }
    int stop_signal LV_GUARDED_BY_GIANT = 0;
    bool stop_reportable LV_GUARDED_BY_GIANT = false;     // wait with WUNTRACED has not seen this stop yet
    bool continue_reportable LV_GUARDED_BY_GIANT = false; // wait with WCONTINUED has not seen this continue yet
    WaitQueue continue_wait;          // stopped threads sleep here

    // Exit state.
    bool zombie LV_GUARDED_BY_GIANT = false;
    bool exit_started LV_GUARDED_BY_GIANT = false;
    int wait_status LV_GUARDED_BY_GIANT = 0; // Linux wait status: (code << 8) or the signal number
    // CPU time sampled by the timer tick (whole process, dead threads too): added to
    // atomically by the ticks of every CPU the threads run on, without the giant lock.
    u64 utime_ns = 0, stime_ns = 0;
    void add_tick_ns(bool user, u64 ns) { __atomic_fetch_add(user ? &utime_ns : &stime_ns, ns, __ATOMIC_RELAXED); }
    u64 tick_utime_ns() const { return __atomic_load_n(&utime_ns, __ATOMIC_RELAXED); }
    u64 tick_stime_ns() const { return __atomic_load_n(&stime_ns, __ATOMIC_RELAXED); }
    u64 start_ns = 0; // set before the process is registered; never changes after

    // CPU time (kernel/itimer.cpp): exact runtime of the threads that have exited, the
    // last split reported for the whole process, and the reaped children's totals
    // (getrusage RUSAGE_CHILDREN, times(2)).
    u64 dead_threads_runtime_ns = 0; // atomic (added to under a run queue's lock)
    CpuSplit reported_cpu LV_GUARDED_BY_GIANT;
    CpuSplit children_cpu LV_GUARDED_BY_GIANT;

    u32 personality LV_GUARDED_BY_GIANT = 0; // personality(2): PER_LINUX and its flags
    // A set*uid moved it to a user over RLIMIT_NPROC: execve fails (Linux's
    // PF_NPROC_EXCEEDED; kernel/nproc.h).
    bool nproc_exceeded LV_GUARDED_BY_GIANT = false;
    // alarm, setitimer, timer_create; made on first use (kernel/itimer.h: timers_of, which
    // looks without the lock first: once made, they stay until the process is reaped).
    ProcessTimers* timers LV_GUARDED_BY(g_timer_lock) = nullptr;
    ProcessTimers* timers_relaxed() const LV_NO_THREAD_SAFETY_ANALYSIS {
        return __atomic_load_n(&timers, __ATOMIC_ACQUIRE);
    }

private:
    // A leaf lock: nothing is taken under it, so the lock-order checker, whose
    // bookkeeping on every acquisition costs more than these few loads, leaves it out.
    mutable Spinlock m_cred_lock {"cred", false};
    Credentials m_cred LV_GUARDED_BY(m_cred_lock);
};

Process& current_process();
Thread& current_thread();
// kernel/cred.h's capable() for a process, from its effective uid alone (Process::euid,
// without a copy of its credentials).
bool capable(const Process& p);

// The process table.
Process* find_process(int pid);
lv::IntrusiveList<Process, &Process::all_node>& all_processes();
template <typename F>
void for_each_process(F f) {
    InterruptGuard g;
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
