// Signal handlers: a handler installed with sigaction runs on raise() with its signal
// number and siginfo, the signal is blocked while it runs (and only then), and the
// interrupted code resumes with its registers intact after rt_sigreturn.
// SYSCALLS: rt_sigaction, rt_sigprocmask, rt_sigreturn, tgkill, kill, getpid
#include "lvtest.h"
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t got, code_seen, blocked_inside;

static void handler(int sig, siginfo_t* info, void* ctx) {
    got = sig;
    code_seen = info->si_code;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    blocked_inside = sigismember(&now, SIGUSR1) && sigismember(&now, SIGUSR2);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2); // sa_mask is added while the handler runs
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

    struct sigaction old;
    CHECK_OK(sigaction(SIGUSR1, NULL, &old));
    CHECK(old.sa_sigaction == handler && (old.sa_flags & SA_SIGINFO));

    volatile double f = 1.5; // floating-point state survives the handler
    CHECK_OK(raise(SIGUSR1));
    CHECK(got == SIGUSR1, "handler did not run (got %d)", (int)got);
    CHECK(code_seen == SI_TKILL || code_seen == SI_USER, "si_code %d", (int)code_seen);
    CHECK(blocked_inside, "SIGUSR1 and sa_mask not blocked inside the handler");
    CHECK(f * 2 == 3.0);

    sigset_t after;
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &after));
    CHECK(!sigismember(&after, SIGUSR1) && !sigismember(&after, SIGUSR2), "mask not restored");

    got = 0;
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK(got == SIGUSR1 && code_seen == SI_USER, "kill: got %d code %d", (int)got, (int)code_seen);

    // SIG_IGN: the signal is discarded.
    signal(SIGUSR2, SIG_IGN);
    CHECK_OK(raise(SIGUSR2));
    // SIGKILL and SIGSTOP cannot be caught.
    CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
    CHECK_ERR(sigaction(65, &sa, NULL), EINVAL);
    return 0;
}
