// Waiting calls and signals: poll and select return EINTR when a handler runs, even with
// SA_RESTART (signal(7): never restarted); ppoll and pselect6 run with a temporary mask
// that lets a blocked signal in (the handler runs, the old mask is back afterwards), but
// when an fd is ready they return it and the old mask comes back before any delivery;
// ppoll writes the time left back to its timespec.
// SYSCALLS: ppoll, pselect6, poll, select, rt_sigprocmask, rt_sigaction, kill, fork
#include "lvtest.h"
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static void handler(int sig) { hits++; }

static long raw_ppoll(struct pollfd* fds, int n, struct timespec* ts, const sigset_t* mask, size_t size) {
    return syscall(SYS_ppoll, fds, n, ts, mask, size);
}

// A child that sends SIGUSR1 to us after `ms` milliseconds.
static pid_t signal_later(int ms) {
    pid_t parent = getpid();
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        struct timespec d = {0, ms * 1000000L};
        nanosleep(&d, NULL);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    return c;
}

static void reap(pid_t c) {
    int st;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st));
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    int p[2];
    CHECK_OK(pipe(p));
    struct pollfd in = {p[0], POLLIN, 0};

    // poll and select are not restarted after a handler, SA_RESTART or not.
    pid_t c = signal_later(50);
    CHECK_ERR(poll(&in, 1, 5000), EINTR);
    CHECK(hits == 1);
    reap(c);
    c = signal_later(50);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    struct timeval tv = {5, 0};
    CHECK_ERR(select(p[0] + 1, &r, NULL, NULL, &tv), EINTR);
    CHECK(hits == 2);
    CHECK(FD_ISSET(p[0], &r), "the sets are left as they were on EINTR");
    reap(c);

    // A blocked pending signal: ppoll's mask unblocks it, the handler runs, EINTR.
    sigset_t block, empty, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK(hits == 2);
    CHECK_ERR(ppoll(&in, 1, NULL, &empty), EINTR);
    CHECK(hits == 3, "the handler ran %d times", (int)hits);
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    CHECK(sigismember(&now, SIGUSR1), "the old mask is back after the handler");

    // The same through pselect6.
    CHECK_OK(raise(SIGUSR1));
    struct timespec ts = {5, 0};
    CHECK_ERR(pselect(p[0] + 1, &r, NULL, NULL, &ts, &empty), EINTR);
    CHECK(hits == 4);
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    CHECK(sigismember(&now, SIGUSR1));

    // A mask that keeps it blocked: a plain timeout, the signal stays pending.
    CHECK_OK(raise(SIGUSR1));
    ts = (struct timespec) {0, 20 * 1000000};
    CHECK(ppoll(&in, 1, &ts, &block) == 0);
    CHECK(hits == 4);

    // An fd ready: the count, and the old mask back at once (no handler yet).
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(ppoll(&in, 1, NULL, &empty) == 1 && in.revents == POLLIN);
    CHECK(hits == 4, "a ready ppoll ran the handler");
    sigset_t pending;
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1));
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
    CHECK(hits == 5);

    // ppoll writes the time left back; sigsetsize must be 8.
    char ch;
    CHECK(read(p[0], &ch, 1) == 1);
    ts = (struct timespec) {0, 30 * 1000000};
    CHECK(raw_ppoll(&in, 1, &ts, NULL, 0) == 0);
    CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0, "left %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    ts = (struct timespec) {3, 0};
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(raw_ppoll(&in, 1, &ts, NULL, 0) == 1);
    CHECK(ts.tv_sec == 2 && ts.tv_nsec > 900000000, "left %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    CHECK(raw_ppoll(&in, 1, NULL, &empty, 4) == -1 && errno == EINVAL);
    ts = (struct timespec) {0, -1};
    CHECK(raw_ppoll(&in, 1, &ts, NULL, 0) == -1 && errno == EINVAL);
    return 0;
}
