// Job control: SIGSTOP stops a process until SIGCONT; the parent sees the stop and
// the continue once each through wait4 (WUNTRACED, WCONTINUED) and waitid (WSTOPPED),
// and a SIGCHLD with CLD_STOPPED; a read interrupted by a stop is resumed, not failed.
// SYSCALLS: kill, wait4, waitid, rt_sigaction, read, write, fork
#include "lvtest.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t chld_code;

static void on_chld(int sig, siginfo_t* si, void* uc) {
    if (si->si_code == CLD_STOPPED || si->si_code == CLD_CONTINUED) chld_code = si->si_code;
}

static void nap(long ms) {
    struct timespec t = {0, ms * 1000000L};
    nanosleep(&t, NULL);
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK_OK(sigaction(SIGCHLD, &sa, NULL));

    int p[2];
    CHECK_OK(pipe(p));
    pid_t c = CHECK_OK(fork());
    if (c == 0) {
        char b;
        // Blocks in read across the stop and the continue: it must not fail with EINTR.
        ssize_t r = read(p[0], &b, 1);
        _exit(r == 1 && b == 'x' ? 0 : 20 + (int)errno);
    }
    nap(50);
    int st;
    CHECK_OK(kill(c, SIGSTOP));
    CHECK(waitpid(c, &st, WUNTRACED) == c);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "status %#x", st);
    CHECK(waitpid(c, &st, WUNTRACED | WNOHANG) == 0, "a stop is reported once");
    for (int i = 0; i < 100 && chld_code != CLD_STOPPED; i++) nap(5);
    CHECK(chld_code == CLD_STOPPED, "SIGCHLD with CLD_STOPPED");

    CHECK_OK(kill(c, SIGCONT));
    CHECK(waitpid(c, &st, WCONTINUED) == c);
    CHECK(WIFCONTINUED(st), "status %#x", st);
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(waitpid(c, &st, 0) == c);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's read failed: status %#x", st);

    // A child that stops itself runs no further until continued; waitid sees the stop.
    // (SIGSTOP, not SIGTSTP: Linux ignores SIGTSTP in an orphaned process group, which is
    // what a test started by a test driver may well be in.)
    int q[2];
    CHECK_OK(pipe(q));
    CHECK_OK(fcntl(q[0], F_SETFL, O_NONBLOCK));
    c = CHECK_OK(fork());
    if (c == 0) {
        raise(SIGSTOP);
        write(q[1], "r", 1);
        _exit(0);
    }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, c, &si, WSTOPPED));
    CHECK(si.si_code == CLD_STOPPED && si.si_status == SIGSTOP && si.si_pid == c, "code %d status %d", si.si_code,
          si.si_status);
    nap(50);
    char b;
    CHECK_ERR(read(q[0], &b, 1), EAGAIN); // it really is stopped
    CHECK_OK(kill(c, SIGCONT));
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st));
    CHECK(read(q[0], &b, 1) == 1 && b == 'r');

    // SIGKILL ends a stopped process.
    c = CHECK_OK(fork());
    if (c == 0) {
        for (;;) pause();
    }
    CHECK_OK(kill(c, SIGSTOP));
    CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st));
    CHECK_OK(kill(c, SIGKILL));
    CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
    puts("job control ok");
    return 0;
}
