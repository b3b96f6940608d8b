// Signal generation, default actions, and delivery to user handlers. The arch builds
// and reads the signal frames (arch::setup_signal_frame / restore_signal_frame); the
// masks, flags and choices are made here, once for both architectures.
#include <kernel/sync/giant.h>
#include <kernel/itimer.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <lib/string.h>
#include <mm/address_space.h>

namespace kernel {
lv::RefPtr<SignalHandlers> SignalHandlers::create() { return lv::RefPtr<SignalHandlers>::adopt(lv::make<SignalHandlers>()); }

lv::RefPtr<SignalHandlers> SignalHandlers::copy() const {
    auto c = create();
    if (c) c->copy_from(*this);
    return c;
}

void SignalHandlers::copy_from(const SignalHandlers& src) {
    SignalAction snapshot[64];
    {
        SpinlockLocker l(src.m_lock);
        memcpy(snapshot, src.m_actions, sizeof snapshot);
    }
    SpinlockLocker l(m_lock); // one table's lock at a time: no order between two
    memcpy(m_actions, snapshot, sizeof snapshot);
}

SignalAction SignalHandlers::action(int sig) const {
    SpinlockLocker l(m_lock);
    return m_actions[sig - 1];
}

SignalAction SignalHandlers::replace(int sig, const SignalAction& na) {
    SpinlockLocker l(m_lock);
    SignalAction old = m_actions[sig - 1];
    m_actions[sig - 1] = na;
    return old;
}

void SignalHandlers::dispositions(u64& ignored, u64& caught) const {
    ignored = caught = 0;
    SpinlockLocker l(m_lock);
    for (int i = 0; i < 64; i++) {
        if (m_actions[i].handler == kIgnore) ignored |= 1ull << i;
        else if (m_actions[i].handler != kDefault) caught |= 1ull << i;
    }
}

void SignalHandlers::reset(int sig) {
    SpinlockLocker l(m_lock);
    m_actions[sig - 1].handler = kDefault;
}

u64 SignalHandlers::force_default(int sig, bool blocked) {
    SpinlockLocker l(m_lock);
    SignalAction& a = m_actions[sig - 1];
    if (a.handler == kIgnore || blocked) a.handler = kDefault;
    return a.handler;
}

void SignalHandlers::reset_caught() {
    SpinlockLocker l(m_lock);
    for (SignalAction& a : m_actions)
        if (a.handler > kIgnore) a = SignalAction {};
}

namespace {
constexpr u64 bit(int sig) { return 1ull << (sig - 1); }
constexpr u64 kUnblockable = bit(SIGKILL) | bit(SIGSTOP);
constexpr u64 kDefaultIgnore = bit(SIGCHLD) | bit(SIGURG) | bit(SIGWINCH) | bit(SIGCONT);
constexpr u64 kDefaultStop = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);
constexpr u64 kSigDfl = SignalHandlers::kDefault, kSigIgn = SignalHandlers::kIgnore;
// sa_flags (the same values on x86_64 and aarch64).
constexpr u64 SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000,
              SA_RESETHAND = 0x80000000, SA_RESTORER = 0x04000000;
constexpr int SS_ONSTACK = 1, SS_DISABLE = 2;
constexpr u64 SA_NOCLDSTOP = 1;

// A stop or continue of p, for its parent: SIGCHLD (unless it asked not to be told with
// SA_NOCLDSTOP) and a wake-up of wait4/waitid with WUNTRACED/WCONTINUED.
void notify_parent_of_stop(Process& p) LV_REQUIRES_GIANT {
    Process* parent = p.parent();
    if (!parent) return;
    if (!(parent->sighand()->action(SIGCHLD).flags & SA_NOCLDSTOP)) {
        Thread::SigInfo info;
        info.code = p.stopped() ? 5 /* CLD_STOPPED */ : 6 /* CLD_CONTINUED */;
        info.pid = p.pid();
        info.uid = p.uid();
        send_signal_info(*parent, SIGCHLD, info);
    }
    parent->child_wait().wake_all();
}

void discard(Process& p, u64 bits) LV_REQUIRES_GIANT {
    p.pending().discard(bits);
    for (Thread& t : p.threads()) t.pending().discard(bits);
}

// Linux's prepare_signal(): what sending `sig` does at once, before it is queued. Stop
// signals cancel a pending SIGCONT and SIGCONT cancels pending stops and resumes a
// stopped process, even when SIGCONT itself is then ignored. In a giant::Section.
void prepare_signal(Process& p, int sig) LV_REQUIRES_GIANT {
    if (kDefaultStop & bit(sig)) {
        discard(p, bit(SIGCONT));
    } else if (sig == SIGCONT) {
        discard(p, kDefaultStop);
        if (p.resume(true)) notify_parent_of_stop(p);
    } else if (sig == SIGKILL) {
        p.resume(false); // the threads must run to die
    }
}

// The default action of a stop signal: the whole process stops (its other threads at
// their next return to user mode) until SIGCONT or SIGKILL.
void stop_process(Process& p, int sig) {
    giant::Section g;
    if (p.stop(sig)) notify_parent_of_stop(p);
}

// POSIX: a process group is orphaned when no member has a parent in another group of
// the same session; the terminal's stop signals do not stop such groups (nobody could
// continue them). In a giant::Section.
bool pgrp_orphaned(int pgid) LV_REQUIRES_GIANT {
    bool orphaned = true;
    for (Process& q : all_processes()) {
        if (q.zombie() || q.pgid() != pgid || !q.parent()) continue;
        if (q.parent()->pgid() != pgid && q.parent()->sid() == q.sid()) orphaned = false;
    }
    return orphaned;
}

void wait_while_stopped(Thread& t) {
    Process& p = *t.process();
    giant::Section g;
    while (p.stopped() && !t.exiting()) p.continue_wait().wait_uninterruptible();
}

bool ignored(const Process& p, int sig) {
    if (sig == SIGKILL || sig == SIGSTOP) return false;
    u64 h = p.sighand()->handler(sig);
    return h == kSigIgn || (h == kSigDfl && (kDefaultIgnore & bit(sig)));
}

// A sleeper wakes; a thread running on another CPU is interrupted there, so that it
// sees the signal on its way back to user mode now rather than at its next tick.
void wake_for_signal(Thread& t) {
    sched::wake(t);
    sched::kick(t);
}

void wake_threads(Process& p) LV_REQUIRES_GIANT {
    for (Thread& t : p.threads()) wake_for_signal(t);
}

WaitQueue g_signal_queued; // signal_queued_wait()

// Linux's sig_ignored(): a blocked signal is queued even when its action is to ignore
// it (the action may change before it is unblocked, and signalfd or sigwait may take
// it); an ignored one is dropped when it would be delivered. For a process, the mask
// of its main thread decides, as for Linux's target task.
// The first process also drops what it did not ask for: any signal left at SIG_DFL
// (Linux's sig_task_ignored with SIGNAL_UNKILLABLE), SIGKILL and SIGSTOP too.
bool drop_at_send(const Process& p, const Thread* t, int sig) LV_REQUIRES_GIANT {
    bool unwanted = p.unkillable() && p.sighand()->handler(sig) == kSigDfl;
    if (!ignored(p, sig) && !unwanted) return false;
    if (sig == SIGKILL || sig == SIGSTOP) return true; // never blocked
    if (!t) t = p.threads().first();
    return !(t && (t->sigmask() & bit(sig)));
}

const char* signal_name(int sig) {
    static const char* names[] = {"?", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
                                  "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
                                  "SIGTERM"};
    return sig > 0 && sig < int(sizeof names / sizeof *names) ? names[sig] : "signal";
}

// si_pid/si_uid of a signal the current thread sends.
Thread::SigInfo sender_info(int code) {
    Thread& t = current_thread();
    Thread::SigInfo info;
    info.code = code;
    if (t.process()) {
        info.pid = t.process()->pid();
        info.uid = t.process()->uid();
    }
    return info;
}

bool is_fault_signal(int sig) {
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
}

[[noreturn]] void die(int sig) LV_REQUIRES_GIANT {
    // Default action: terminate (core-dumping signals too: RLIMIT_CORE is 0, so no core is
    // written and the wait status carries just the signal number, as on Linux).
    exit_process(sig);
}

// Runs the handler for `sig`; kills with SIGSEGV if the frame cannot be written.
void deliver(arch::TrapFrame& f, Thread& t, int sig, const Thread::SigInfo& info) LV_REQUIRES_GIANT {
    Process& p = *t.process();
    SignalAction act = p.sighand()->action(sig);
    if (t.own().syscall_interrupted) {
        t.own().syscall_interrupted = false;
        if ((act.flags & SA_RESTART) && !t.own().syscall_no_restart) arch::restart_syscall(f);
    }
    u8 si[128];
    fill_siginfo(si, sig, info);

    bool on_altstack = t.own().altstack_size && f.sp() > t.own().altstack_sp && f.sp() <= t.own().altstack_sp + t.own().altstack_size;
    arch::SignalFrameRequest r {};
    r.signo = sig;
    r.siginfo = si;
    r.handler = act.handler;
    r.flags = act.flags;
    r.restorer = (act.flags & SA_RESTORER) ? act.restorer : p.sigreturn_trampoline();
    r.saved_mask = t.own().in_sigsuspend ? t.own().mask_before_suspend : t.sigmask();
    t.own().in_sigsuspend = false;
    r.stack_top = f.sp();
    r.altstack_sp = t.own().altstack_sp;
    r.altstack_size = t.own().altstack_size;
    r.altstack_flags = !t.own().altstack_size ? SS_DISABLE : on_altstack ? SS_ONSTACK : 0;
    bool entering_altstack = (act.flags & SA_ONSTACK) && t.own().altstack_size && !on_altstack;
    if (entering_altstack) r.stack_top = t.own().altstack_sp + t.own().altstack_size;
    // On the alternate stack (entering it or nested on it), the frame must fit in it
    // (Linux's get_sigframe): below it lies memory the program did not give for this.
    r.stack_limit = entering_altstack || on_altstack ? t.own().altstack_sp : 0;
    if (!arch::setup_signal_frame(f, r)) {
        log_info("pid %d (%s): cannot write the frame for %s: killed by SIGSEGV", p.pid(), p.comm(), signal_name(sig));
        die(SIGSEGV);
    }
    giant::Section g;
    t.set_sigmask(t.sigmask() | (act.mask));
    if (!(act.flags & SA_NODEFER)) t.set_sigmask(t.sigmask() | (bit(sig)));
    t.set_sigmask(t.sigmask() & (~kUnblockable));
    if (act.flags & SA_RESETHAND) p.sighand()->reset(sig);
}
} // namespace

// Linux's siginfo_t (128 bytes): signo, errno, code, then a union at offset 16: si_addr
// for faults (and si_pkey at 32 for SEGV_PKUERR); otherwise si_pid (si_timerid) at 16, si_uid (si_overrun) at 20 and
// si_value at 24.
void fill_siginfo(u8 (&out)[128], int sig, const Thread::SigInfo& info) {
    memset(out, 0, sizeof out);
    i32 head[3] = {sig, 0, info.code};
    memcpy(out, head, sizeof head);
    if (is_fault_signal(sig) && info.code > 0) {
        memcpy(out + 16, &info.addr, 8);
        constexpr int SEGV_PKUERR = 4;
        if (sig == SIGSEGV && info.code == SEGV_PKUERR) memcpy(out + 32, &info.pkey, 4); // si_pkey
    } else {
        i32 ids[2] = {info.pid, i32(info.uid)};
        memcpy(out + 16, ids, sizeof ids);
        memcpy(out + 24, &info.value, 8);
    }
}

void send_signal(Process& p, int sig) { send_signal_info(p, sig, sender_info(SI_USER)); }
void send_signal(Thread& t, int sig) { send_signal_info(t, sig, sender_info(SI_TKILL)); }

void send_signal_info(Process& p, int sig, const Thread::SigInfo& info) {
    if (sig <= 0 || sig > kNumSignals) return;
    giant::Section g;
    if (p.zombie()) return;
    prepare_signal(p, sig);
    if (drop_at_send(p, nullptr, sig)) return;
    p.pending().add(sig, info); // if it is pending already, the first one's details stay
    wake_threads(p);
    g_signal_queued.wake_all(0x1); // POLLIN
}

void send_signal_info(Thread& t, int sig, const Thread::SigInfo& info) {
    if (sig <= 0 || sig > kNumSignals || !t.process()) return;
    giant::Section g;
    prepare_signal(*t.process(), sig);
    if (drop_at_send(*t.process(), &t, sig)) return;
    t.pending().add(sig, info);
    wake_for_signal(t);
    g_signal_queued.wake_all(0x1); // POLLIN
}

bool dequeue_signal(Thread& t, u64 mask, int& sig, Thread::SigInfo& info) LV_REQUIRES_GIANT {
    Process& p = *t.process();
    // The thread's own signals first, then the process's (Linux's dequeue_signal).
    if (!t.pending().take(mask, sig, info) && !p.pending().take(mask, sig, info)) return false;
    if (info.code == SI_TIMER) timer_signal_dequeued(p, info); // fills si_overrun
    return true;
}

WaitQueue& signal_queued_wait() { return g_signal_queued; }

bool signal_pending() {
    Thread& t = current_thread();
    if (!t.process()) return false;
    if (t.exiting_relaxed()) return true;
    // Without the giant lock (a pipe's wait runs without it): one word at a time, as
    // return_work reads them; the mask is the thread's own.
    u64 pending = (t.pending_signals_relaxed() | t.process()->pending_signals_relaxed()) & ~(t.own_sigmask() & ~kUnblockable);
    return pending != 0;
}

bool fatal_signal_pending() {
    Thread& t = current_thread();
    if (!t.process()) return false;
    return t.exiting_relaxed() || ((t.pending_signals_relaxed() | t.process()->pending_signals_relaxed()) & bit(SIGKILL));
}

void user_fault(arch::TrapFrame& f, int signo, int si_code, VirtAddr addr) {
    giant::Locker giant;
    Thread& t = current_thread();
    Process& p = *t.process();
    constexpr int SEGV_MAPERR = 1, SEGV_ACCERR = 2, SEGV_PKUERR = 4;
    if (signo == SIGSEGV && (si_code == SEGV_MAPERR || si_code == SEGV_ACCERR) && p.as()) {
        // Linux's rule, whatever the MMU reported: a region there that forbids the access
        // is ACCERR (even on a never-touched page), no region at all is MAPERR.
        si_code = p.as()->is_mapped(addr) ? SEGV_ACCERR : SEGV_MAPERR;
    }
    u32 pkey = 0; // SEGV_PKUERR's si_pkey: the region's key, as Linux reports it
    mm::Vma v;
    if (signo == SIGSEGV && si_code == SEGV_PKUERR && p.as() && p.as()->vma_at(addr, v)) pkey = v.pkey;
    {
        giant::Section g;
        // A synchronous fault cannot be blocked or ignored: Linux forces the default action
        // when the signal is blocked or SIG_IGN (force_sig_info), and it kills even the
        // first process (force_sig_info_to_task clears SIGNAL_UNKILLABLE).
        bool blocked = t.sigmask() & bit(signo);
        if (p.sighand()->force_default(signo, blocked) == kSigDfl) p.set_unkillable(false);
        t.set_sigmask(t.sigmask() & (~bit(signo)));
        SigInfo info {si_code, 0, addr};
        info.pkey = pkey;
        t.pending().replace(signo, info);
    }
    if (p.sighand()->handler(signo) == kSigDfl)
        log_info("pid %d (%s): %s (code %d) at ip %#lx, address %#lx", p.pid(), p.comm(), signal_name(signo), si_code,
                 f.ip(), addr);
}

// Whether the way back to user mode has work (a signal, a stop, an exit, a syscall to
// restart). Read without the giant lock: a signal sent meanwhile from another CPU
// interrupts this one (sched::kick), which brings the thread back here.
bool return_work(const Thread& t) {
    const Process& p = *t.process();
    u64 pending = (t.pending_signals_relaxed() | p.pending_signals_relaxed()) & ~(t.own_sigmask() & ~kUnblockable);
    return pending || t.exiting_relaxed() || p.stopped_relaxed() || t.own().syscall_interrupted || t.own().in_sigsuspend;
}

void before_return_to_user(arch::TrapFrame& f) {
    sched::preempt_if_needed(); // a woken thread that should run first (no lock held here)
    Thread& t = current_thread();
    if (!t.process() || !return_work(t)) return;
    giant::Locker giant; // not held in user mode: given up on the way out
    for (;;) {
        if (t.exiting()) exit_thread(0);
        if (t.process()->stopped()) {
            wait_while_stopped(t);
            continue;
        }
        int sig = 0;
        Thread::SigInfo info;
        {
            giant::Section g;
            Process& p = *t.process();
            u64 pending = (t.pending().bits() | p.pending().bits()) & ~(t.sigmask() & ~kUnblockable);
            // SIGKILL ends the whole process at once, ahead of anything else pending (a
            // fault that failed because the OOM killer chose us, say): Linux's group exit.
            if (pending & bit(SIGKILL)) die(SIGKILL);
            if (!pending) {
                // A syscall interrupted by a signal that ran no handler (a stop, or one
                // ignored by now) is made again, as Linux does with ERESTARTSYS.
                if (t.own().syscall_interrupted && !t.own().syscall_no_restart) arch::restart_syscall(f);
                t.own().syscall_interrupted = false;
                if (t.own().in_sigsuspend) { // woken by a signal that needed no handler
                    t.set_sigmask(t.own().mask_before_suspend);
                    t.own().in_sigsuspend = false;
                }
                return;
            }
            dequeue_signal(t, pending, sig, info);
            if (ignored(p, sig)) continue;
            u64 handler = p.sighand()->handler(sig);
            // Queued while blocked, now unblocked at SIG_DFL: the first process ignores it
            // (Linux's get_signal), unless it is a forced SIGKILL.
            if (handler == kSigDfl && p.unkillable() && sig != SIGKILL) continue;
            if (handler == kSigDfl && (kDefaultStop & bit(sig))) {
                if (sig == SIGSTOP || !pgrp_orphaned(p.pgid())) stop_process(p, sig);
                continue;
            }
            if (handler == kSigDfl) die(sig);
        }
        deliver(f, t, sig, info);
        return; // one handler frame per return; further signals come at its next entry
    }
}
} // namespace kernel
