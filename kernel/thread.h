// Threads: the unit the scheduler runs. Every thread has a kernel stack; a user thread's
// TrapFrame sits at the top of it whenever it is in the kernel (see arch/interface.h).
#pragma once
#include <arch/interface.h>
#include <kernel/sched.h>
#include <kernel/sync/giant.h>
#include <kernel/sync/lockdep.h>
#include <lib/list.h>
#include <lib/types.h>

namespace kernel {
class Process;

// CPU time of a thread or process (kernel/itimer.cpp keeps it): the exact time spent on
// the CPU, and the timer ticks that found it in user or in kernel mode. The ticks only
// split the exact time into user and system parts, as Linux's cputime_adjust does.
struct CpuTime {
    u64 runtime_ns = 0;
    u64 user_ticks = 0, system_ticks = 0;
};
// A user/system split already reported to user space: later reports never go below it.
struct CpuSplit {
    u64 utime_ns = 0, stime_ns = 0;
};
// sched_setscheduler / setpriority state (syscalls/sched.cpp). The scheduler runs
// SCHED_FIFO/SCHED_RR threads before all others, by priority, and weighs the others by
// nice value (SCHED_IDLE: lighter than nice 19); see kernel/sched.cpp.
struct SchedAttr {
    static constexpr u8 kFifo = 1, kRoundRobin = 2; // SCHED_FIFO, SCHED_RR
    u8 policy = 0;   // SCHED_OTHER
    u8 priority = 0; // sched_priority: 1..99 for SCHED_FIFO/SCHED_RR, else 0
    i8 nice = 0;     // -20..19
    bool reset_on_fork = false;
    bool real_time() const { return policy == kFifo || policy == kRoundRobin; }
    // What a new thread inherits: everything, except that SCHED_RESET_ON_FORK turns a
    // real-time policy into SCHED_OTHER and a negative nice value into 0 (sched(7)).
    SchedAttr for_child() const {
        SchedAttr c = *this;
        if (!reset_on_fork) return c;
        if (real_time()) c = SchedAttr {};
        else if (nice < 0) c.nice = 0;
        c.reset_on_fork = false;
        return c;
    }
};

// The details of a pending signal, what its siginfo_t will say.
struct SigInfo {
    int code = 0;   // si_code: SI_USER 0, SI_TKILL -6, SI_KERNEL 0x80, or a fault code
    int pid = 0;    // sender (kill/tkill); si_timerid for SI_TIMER
    u64 addr = 0;   // faulting address (SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP)
    u32 uid = 0;    // sender's real uid; si_overrun for SI_TIMER
    u32 pkey = 0;   // si_pkey (SEGV_PKUERR)
    u64 value = 0;  // si_value (sigqueue, POSIX timers)
};

// A set of pending signals, numbered 1..64, with the details of each (Linux's struct
// sigpending, one entry per signal: a signal sent again while pending merges into the
// first, whose details stay). A process has one for process-directed signals, each
// thread one for its own. The owner's lock guards it (the giant lock, for both); the
// bits are written with atomic stores so that bits_relaxed may read them without it.
class PendingSignals {
public:
    static constexpr u64 bit(int sig) { return 1ull << (sig - 1); }
    u64 bits() const { return m_bits; }
    u64 bits_relaxed() const { return __atomic_load_n(&m_bits, __ATOMIC_RELAXED); }
    bool has(int sig) const { return m_bits & bit(sig); }
    // Queues `sig`; if it is pending already, its first details stay.
    void add(int sig, const SigInfo& info) {
        if (!has(sig)) m_info[sig - 1] = info;
        store(m_bits | bit(sig));
    }
    // Queues `sig` with these details, replacing a pending one's (a synchronous fault).
    void replace(int sig, const SigInfo& info) {
        m_info[sig - 1] = info;
        store(m_bits | bit(sig));
    }
    void discard(u64 bits) { store(m_bits & ~bits); }
    // The details of a pending signal (a timer's overrun count is filled in late).
    const SigInfo& info(int sig) const { return m_info[sig - 1]; }
    // Dequeues the lowest-numbered pending signal in `mask`; false if there is none.
    bool take(u64 mask, int& sig, SigInfo& info) {
        u64 ready = m_bits & mask;
        if (!ready) return false;
        sig = __builtin_ctzll(ready) + 1;
        info = m_info[sig - 1];
        discard(bit(sig));
        return true;
    }

private:
    void store(u64 v) { __atomic_store_n(&m_bits, v, __ATOMIC_RELAXED); }
    u64 m_bits = 0;
    SigInfo m_info[64];
};

// A thread. Its state is private and grouped by who may touch it:
//   - se(): the scheduler's (kernel/sched.cpp), each field under the lock of the run
//     queue the thread belongs to (sched::rq_lock: last_cpu's queue);
//   - the signal state (mask, pending signals), exiting, name and the last reported CPU
//     split, under the giant lock (kernel/sync/giant.h), as the process's are
//     (kernel/process.h): the methods require it. The pending bits and exiting are also
//     read without it, one word at a time (*_relaxed), and the thread reads its own mask
//     without it (own_sigmask);
//   - own(): the thread's own, under no lock: once it runs, only the thread itself writes
//     it (and the switch that saves its context, and the tick on its own CPU that counts
//     its time); before, its maker. get_robust_list reads another thread's list head
//     under the giant lock;
//   - sched_attr(), the policy and nice value: changed under the giant lock
//     (sched_setattr, setpriority) and copied into se() under the run queue's lock
//     (sched.cpp's set_class), also for a thread that is not yet visible (sched::add):
//     not annotated;
//   - tid, process and the kernel stack are set when it is made; tid changes only in
//     execve, once no other thread of the process runs.
class Thread {
    lv::ListNode m_run_node;     // a run queue or a dead list (se's lock)
    lv::ListNode m_sleep_node;   // timed sleepers (se's lock)
    lv::ListNode m_process_node; // its process's threads (the giant lock)

public:
    enum class State : u8 { Runnable, Running, Blocked, Dead };
    using SigInfo = kernel::SigInfo;
    using RunList = lv::IntrusiveList<Thread, &Thread::m_run_node>;
    using SleepList = lv::IntrusiveList<Thread, &Thread::m_sleep_node>;
    using ProcessList = lv::IntrusiveList<Thread, &Thread::m_process_node>;
    static constexpr size_t kStackSize = 16 * 1024; // mm::kKernelStackSize

    Thread() = default; // the boot thread
    // A thread of `process` (null: a kernel thread) on the kernel stack at kstack_base,
    // which starts in entry(arg) (create_thread).
    Thread(Process* process, int tid, uptr kstack_base, void (*entry)(void*), void* arg, const char* name);
    Thread(const Thread&) = delete;
    Thread& operator=(const Thread&) = delete;

    int tid() const { return m_tid; }
    void set_tid(int tid) { m_tid = tid; } // execve (de_thread): the leader's id
    Process* process() const { return m_process; } // null for kernel threads
    uptr kstack_base() const { return m_kstack_base; }
    uptr kstack_top() const { return m_kstack_base + kStackSize; }
    arch::TrapFrame* user_frame() const {
        return reinterpret_cast<arch::TrapFrame*>(kstack_top() - sizeof(arch::TrapFrame));
    }
    // Its entry point (every thread's first code after sched::thread_start): for a user
    // thread, user_thread_entry.
    void run_entry() { m_kernel_entry(m_kernel_arg); }
    bool entry_is(void (*entry)(void*)) const { return m_kernel_entry == entry; }
    // On a run queue or a dead list; on a run queue's timed sleepers (se's lock).
    bool on_run_list() const { return m_run_node.linked(); }
    bool on_sleep_list() const { return m_sleep_node.linked(); }

    // The scheduler's state (kernel/sched.cpp), each field under the run-queue lock.
    struct SchedEntity {
        State state LV_GUARDED_BY(sched::rq_lock) = State::Runnable;
        u64 wake_deadline_ns LV_GUARDED_BY(sched::rq_lock) = 0; // valid while on the sleepers list
        bool timed_out LV_GUARDED_BY(sched::rq_lock) = false;   // the last sleep's deadline passed
        // A wake() that found the thread awake (running, or preempted on its way to
        // sleep): its next sleep returns at once instead, so a waker that sets the
        // condition and then wakes between the sleeper's check and its sleep is not lost
        // (Linux's TASK_RUNNING store in try_to_wake_up).
        bool wake_pending LV_GUARDED_BY(sched::rq_lock) = false;
        unsigned slice_ticks LV_GUARDED_BY(sched::rq_lock) = 0;
        // Fair sharing (as Linux's CFS): the time it has run, in ns scaled by 1024 /
        // weight, so that a heavier thread's grows slower; its weight, from its nice value
        // (sched::priority_changed); and when it last started running.
        u64 vruntime LV_GUARDED_BY(sched::rq_lock) = 0;
        u32 weight LV_GUARDED_BY(sched::rq_lock) = 1024;
        // Real time (SCHED_FIFO/SCHED_RR): the priority, 1..99, 0 for the fair policies;
        // round-robin; and the round-robin slice left, in ticks. From sched_attr() as
        // weight is (sched.cpp's set_class, which also starts a fresh slice).
        u8 rt_priority LV_GUARDED_BY(sched::rq_lock) = 0;
        bool rt_round_robin LV_GUARDED_BY(sched::rq_lock) = false;
        unsigned rr_ticks LV_GUARDED_BY(sched::rq_lock) = 0;
        u64 exec_start_ns LV_GUARDED_BY(sched::rq_lock) = 0;
        // sched_setaffinity: the CPUs it may run on (bit i: CPU i); and the CPU whose run
        // queue it belongs to: where it runs, waits to run, or last ran (/proc/PID/stat's
        // processor, getcpu). last_cpu changes only with both queues' locks held (a
        // steal), and is read without them to find its queue's lock (sched::cpu_of, a
        // hint).
        u64 affinity LV_GUARDED_BY(sched::rq_lock) = ~0ull;
        u32 last_cpu LV_GUARDED_BY(sched::rq_lock) = 0;
    };
    SchedEntity& se() { return m_se; }
    const SchedEntity& se() const { return m_se; }
    State state() const LV_REQUIRES(sched::rq_lock) { return m_se.state; }
    SchedAttr& sched_attr() { return m_sched_attr; }
    const SchedAttr& sched_attr() const { return m_sched_attr; }

    // Signals: the blocked mask (bit n-1 for signal n) and the thread-directed pending
    // signals. The mask is written by its thread only (under the lock, for the others'
    // reads), so the thread itself reads it without (own_sigmask).
    u64 sigmask() const LV_REQUIRES_GIANT { return m_sigmask; }
    void set_sigmask(u64 mask) LV_REQUIRES_GIANT { m_sigmask = mask; }
    u64 own_sigmask() const LV_NO_THREAD_SAFETY_ANALYSIS { return m_sigmask; }
    PendingSignals& pending() LV_REQUIRES_GIANT { return m_pending; }
    const PendingSignals& pending() const LV_REQUIRES_GIANT { return m_pending; }
    u64 pending_signals_relaxed() const LV_NO_THREAD_SAFETY_ANALYSIS { return m_pending.bits_relaxed(); }
    // exit_group or a fatal signal is tearing the process down: the thread dies at its
    // next return to user mode.
    bool exiting() const LV_REQUIRES_GIANT { return m_exiting; }
    void set_exiting() LV_REQUIRES_GIANT { __atomic_store_n(&m_exiting, true, __ATOMIC_RELAXED); }
    bool exiting_relaxed() const LV_NO_THREAD_SAFETY_ANALYSIS { return __atomic_load_n(&m_exiting, __ATOMIC_RELAXED); }
    // /proc/PID/task/TID/comm; starts as its process's comm.
    const char* name() const LV_REQUIRES_GIANT { return m_name; }
    void set_name(const char* name) LV_REQUIRES_GIANT;
    // For a panic or a lock-order report only, which must not wait for the giant lock: a
    // rename at that moment may show a mix of the two names.
    const char* name_unlocked() const LV_NO_THREAD_SAFETY_ANALYSIS { return m_name; }
    // The user/system split last reported for this thread (kernel/itimer.cpp).
    CpuSplit& reported_cpu() LV_REQUIRES_GIANT { return m_reported_cpu; }

    // The thread's own state (see above).
    struct Own {
        arch::Context context;       // saved by the switch
        arch::ThreadState arch_state; // FPU/vector state, TLS registers (arch/)
        // CPU time (kernel/itimer.cpp): counted by the switch and the tick on its CPU.
        CpuTime cpu;
        u64 on_cpu_since_ns = 0; // when it was last switched in
        // Linux's per-thread state.
        VirtAddr clear_child_tid = 0; // set_tid_address / CLONE_CHILD_CLEARTID
        VirtAddr robust_list = 0;
        u64 robust_list_len = 0;
        u64 altstack_sp = 0, altstack_size = 0; // sigaltstack
        bool altstack_autodisarm = false;
        bool syscall_interrupted = false; // the last syscall returned EINTR: SA_RESTART may rerun it
        bool syscall_no_restart = false;  // ...but it is one that Linux never restarts
        bool syscall_eintr_final = false; // set by a handler whose EINTR must not be restarted
                                          // (a socket wait with a timeout: Linux's sock_intr_errno)
        bool in_sigsuspend = false;       // rt_sigsuspend: the frame must save mask_before_suspend
        u64 mask_before_suspend = 0;
        // Nonzero inside mm::copy_from_user_nofault: a fault in a user copy fails (EFAULT)
        // instead of being resolved, which may sleep (Linux's pagefault_disable).
        u32 pagefault_disabled = 0;
        // The lock classes this thread holds (kernel/sync/lockdep.h): in its own context,
        // and in the interrupt handlers that run on it (irq_depth > 0: kernel::IrqContext).
        lockdep::HeldLocks held_locks;
        lockdep::HeldLocks irq_held_locks;
        u32 irq_depth = 0; // changed only on the thread's own CPU with interrupts off
        // How deeply it holds the giant lock (kernel/sync/giant.h), kept while it is
        // switched away; changed only by the thread itself, with interrupts off.
        u32 giant_depth = 0;
        // Inside how many giant::Sections: while nonzero the tick does not switch it away.
        u32 preempt_off = 0;
    };
    Own& own() { return m_own; }
    const Own& own() const { return m_own; }

private:
    int m_tid = 0;
    Process* m_process = nullptr;
    uptr m_kstack_base = 0;
    void (*m_kernel_entry)(void*) = nullptr;
    void* m_kernel_arg = nullptr;

    SchedEntity m_se;
    SchedAttr m_sched_attr;

    u64 m_sigmask LV_GUARDED_BY_GIANT = 0;
    PendingSignals m_pending LV_GUARDED_BY_GIANT;
    bool m_exiting LV_GUARDED_BY_GIANT = false;
    char m_name[16] LV_GUARDED_BY_GIANT = {};
    CpuSplit m_reported_cpu LV_GUARDED_BY_GIANT;

    Own m_own;
};

// Creates a thread in `process` (or a kernel thread when null) that starts in
// entry(arg) in kernel mode. Not yet runnable: hand it to sched::add().
Thread* create_thread(Process* process, void (*entry)(void*), void* arg, const char* name);
// Frees a dead thread's stack and struct (called by the scheduler once it is off-CPU).
void destroy_thread(Thread* t);
int allocate_id(); // tids and pids share one space, as in Linux
} // namespace kernel
