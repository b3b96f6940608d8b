// Signal generation and default actions.
// FIXME: user handlers (rt_sigaction with a function) are recorded but not yet invoked:
// delivering them needs the per-arch signal frame and rt_sigreturn. Until then a caught
// signal takes its default action, except that an ignored one stays ignored.
#include <kernel/lock.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>

namespace kernel {
namespace {
constexpr u64 bit(int sig) { return 1ull << (sig - 1); }
constexpr u64 kUnblockable = bit(SIGKILL) | bit(SIGSTOP);
constexpr u64 kDefaultIgnore = bit(SIGCHLD) | bit(SIGURG) | bit(SIGWINCH) | bit(SIGCONT);
constexpr u64 kDefaultStop = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);
constexpr u64 kSigIgn = 1;

bool ignored(const Process& p, int sig) {
    if (sig == SIGKILL || sig == SIGSTOP) return false;
    u64 h = p.actions[sig - 1].handler;
    return h == kSigIgn || (h == 0 && (kDefaultIgnore & bit(sig)));
}

void wake_threads(Process& p) {
    for (Thread& t : p.threads) sched::wake(t);
}

const char* signal_name(int sig) {
    static const char* names[] = {"?", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
                                  "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
                                  "SIGTERM"};
    return sig > 0 && sig < int(sizeof names / sizeof *names) ? names[sig] : "signal";
}
} // namespace

void send_signal(Process& p, int sig) {
    if (sig <= 0 || sig > kNumSignals) return;
    InterruptGuard g;
    if (p.zombie || ignored(p, sig)) return;
    p.pending_signals |= bit(sig);
    wake_threads(p);
}

void send_signal(Thread& t, int sig) {
    if (sig <= 0 || sig > kNumSignals || !t.process) return;
    InterruptGuard g;
    if (ignored(*t.process, sig)) return;
    t.pending_signals |= bit(sig);
    sched::wake(t);
}

bool signal_pending() {
    Thread& t = current_thread();
    if (!t.process) return false;
    if (t.exiting) return true;
    u64 pending = (t.pending_signals | t.process->pending_signals) & ~(t.sigmask & ~kUnblockable);
    return pending != 0;
}

void user_fault(arch::TrapFrame& f, int signo, int si_code, VirtAddr addr) {
    Thread& t = current_thread();
    Process& p = *t.process;
    // A synchronous fault cannot be blocked or ignored: Linux forces the default action
    // when the signal is blocked or SIG_IGN (force_sig_info).
    {
        InterruptGuard g;
        if (p.actions[signo - 1].handler == kSigIgn) p.actions[signo - 1].handler = 0;
        t.sigmask &= ~bit(signo);
        t.pending_signals |= bit(signo);
    }
    log_info("pid %d (%s): %s (code %d) at ip %#lx, address %#lx", p.pid, p.comm, signal_name(signo), si_code,
             f.ip(), addr);
}

void before_return_to_user(arch::TrapFrame& f) {
    Thread& t = current_thread();
    if (!t.process) return;
    for (;;) {
        if (t.exiting) exit_thread(0);
        int sig = 0;
        {
            InterruptGuard g;
            u64 pending = (t.pending_signals | t.process->pending_signals) & ~(t.sigmask & ~kUnblockable);
            if (!pending) return;
            sig = __builtin_ctzll(pending) + 1;
            t.pending_signals &= ~bit(sig);
            t.process->pending_signals &= ~bit(sig);
            if (ignored(*t.process, sig)) continue;
            if (kDefaultStop & bit(sig)) continue; // FIXME: job control (stopping) is not implemented yet
        }
        // Default action: terminate (core-dumping signals too: RLIMIT_CORE is 0, so no core
        // is written and the wait status carries just the signal number, as on Linux).
        exit_process(sig);
    }
}
} // namespace kernel
