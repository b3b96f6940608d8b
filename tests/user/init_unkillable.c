// The first process of a PID namespace (Linux's SIGNAL_UNKILLABLE init) ignores every
// signal it has no handler for, SIGKILL and SIGSTOP included, when the sender is inside
// its namespace: kill(1, SIGTERM) from root leaves it running. (A process whose exit
// signal was SIGKILL used to kill LevitateOS's PID 1 when it was reparented.)
// On the host the test makes a PID namespace (root) and its pid 1 is a child of ours;
// LevitateOS has one PID namespace, so the signals go to the machine's own PID 1,
// which must survive them just the same. A handler, once installed, does run.
// SYSCALLS: kill, unshare
// HOST-QEMU-SKIP: qemu-aarch64 installs host handlers for every signal and carries out the default action itself, so a namespace init under it dies or stops as if it were not init
#define _GNU_SOURCE
#include "lvtest.h"
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static const int kSignals[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGQUIT, SIGKILL, SIGSTOP};

// From inside the namespace: every signal to pid 1, which must still be there.
static void signal_init(void) {
    for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; i++) {
        CHECK_OK(kill(1, kSignals[i]));
        usleep(20000);
        CHECK_OK(kill(1, 0));
    }
}

static volatile sig_atomic_t g_got;
static void on_usr2(int sig) { g_got = sig; }

int main(void) {
    if (getuid() != 0) return 0;
    if (unshare(CLONE_NEWPID) != 0) {
        // LevitateOS (one namespace): the machine's pid 1.
        signal_init();
        return 0;
    }
    pid_t init = CHECK_OK(fork());
    if (init == 0) {
        // pid 1 of the new namespace; a child of it sends the signals.
        CHECK(getpid() == 1, "pid %d", getpid());
        struct sigaction sa = {.sa_handler = on_usr2};
        CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
        pid_t c = CHECK_OK(fork());
        if (c == 0) {
            signal_init();
            CHECK_OK(kill(1, SIGUSR2)); // a handled signal is delivered
            _exit(0);
        }
        int st;
        while (waitpid(c, &st, 0) < 0) CHECK(errno == EINTR, "waitpid: %s", strerror(errno));
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "sender status %#x", st);
        for (int i = 0; i < 100 && !g_got; i++) usleep(10000);
        CHECK(g_got == SIGUSR2, "handler saw %d", (int)g_got);
        _exit(0);
    }
    int st;
    CHECK_OK(waitpid(init, &st, 0));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "namespace init status %#x", st);
    return 0;
}
