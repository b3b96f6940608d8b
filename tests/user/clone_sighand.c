// CLONE_SIGHAND without CLONE_THREAD shares the signal actions between two processes
// (Linux's sighand_struct): a handler one installs is the other's too. fork copies the
// table, and execve gives the caller a table of its own before resetting its handlers,
// so the other process keeps them.
// SYSCALLS: clone, rt_sigaction, execve, wait4
// HOST-QEMU-SKIP: qemu-aarch64 runs clone with CLONE_VM only as a thread (EINVAL here)
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvtest.h"

static char stack[64 * 1024] __attribute__((aligned(16)));
static void on_usr1(int s) { (void)s; }
static void on_usr2(int s) { (void)s; }

static int set_usr2(void* arg) {
    (void)arg;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr2;
    _exit(sigaction(SIGUSR2, &sa, NULL) == 0 ? 0 : 1);
}

static int exec_self(void* arg) {
    char* const argv[] = {(char*)arg, "exec", NULL};
    execv("/proc/self/exe", argv);
    _exit(2);
}

static void handler_of(int sig, void (**out)(int)) {
    struct sigaction sa;
    CHECK_OK(sigaction(sig, NULL, &sa));
    *out = sa.sa_handler;
}

static void reap(pid_t c, int code) {
    int st;
    CHECK(waitpid(c, &st, __WALL) == c);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == code, "status %#x", st);
}

int main(int argc, char** argv) {
    if (argc > 1) {
        // After execve: a caught signal is back at SIG_DFL here.
        void (*h)(int);
        handler_of(SIGUSR1, &h);
        _exit(h == SIG_DFL ? 3 : 4);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

    // Shared: the child's new SIGUSR2 handler is ours.
    pid_t c = clone(set_usr2, stack + sizeof stack, CLONE_VM | CLONE_SIGHAND | CLONE_VFORK | SIGCHLD, NULL);
    CHECK(c > 0);
    reap(c, 0);
    void (*h)(int);
    handler_of(SIGUSR2, &h);
    CHECK(h == on_usr2, "SIGUSR2 handler %p after the sharing child set it", (void*)h);

    // Copied: a fork child's change stays its own.
    CHECK_OK(sigaction(SIGUSR2, &(struct sigaction) {.sa_handler = SIG_DFL}, NULL));
    c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        sa.sa_handler = on_usr2;
        _exit(sigaction(SIGUSR2, &sa, NULL) == 0 ? 0 : 1);
    }
    reap(c, 0);
    handler_of(SIGUSR2, &h);
    CHECK(h == SIG_DFL, "a fork child changed our SIGUSR2 handler to %p", (void*)h);

    // A sharing child that execs resets its own handlers, not ours.
    c = clone(exec_self, stack + sizeof stack, CLONE_VM | CLONE_SIGHAND | CLONE_VFORK | SIGCHLD, argv[0]);
    CHECK(c > 0);
    reap(c, 3);
    handler_of(SIGUSR1, &h);
    CHECK(h == on_usr1, "the child's execve reset our SIGUSR1 handler to %p", (void*)h);
    puts("ok");
    return 0;
}
