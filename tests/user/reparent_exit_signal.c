// An orphan's exit signal becomes SIGCHLD when it is reparented (Linux's
// reparent_leader), so a clone child with a custom exit signal (here SIGUSR1; the fuzzer
// used SIGKILL) cannot hit its new parent with it: the fuzzer's orphans killed pid 1.
// The new parent is the nearest PR_SET_CHILD_SUBREAPER ancestor, and the orphan gets
// its PR_SET_PDEATHSIG signal when its parent dies.
// HOST-QEMU-SKIP: qemu-user refuses PR_SET_CHILD_SUBREAPER (EINVAL)
// SYSCALLS: prctl, clone, wait4
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvtest.h"

static volatile sig_atomic_t usr1_count, chld_count, chld_pid;
static int ready[2], go[2];

static void on_usr1(int s) { (void)s; usr1_count++; }
static void on_chld(int s, siginfo_t* si, void* c) {
    (void)s, (void)c;
    chld_count++;
    chld_pid = si->si_pid;
}
static void on_usr2(int s) { (void)s; }

static char stack[64 * 1024] __attribute__((aligned(16)));

// The grandchild: asks for SIGUSR2 when its parent dies, says it is ready, then waits
// for that signal and exits 7 (its new parent must be the subreaper by then).
static int grandchild(void* arg) {
    pid_t subreaper = *(pid_t*)arg;
    signal(SIGUSR2, on_usr2);
    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    sigprocmask(SIG_BLOCK, &mask, &old);
    if (prctl(PR_SET_PDEATHSIG, SIGUSR2) != 0) _exit(1);
    int sig = 0;
    if (prctl(PR_GET_PDEATHSIG, &sig) != 0 || sig != SIGUSR2) _exit(2);
    if (write(ready[1], "r", 1) != 1) _exit(3);
    sigsuspend(&old); // until SIGUSR2
    char c;
    if (read(go[0], &c, 1) != 1) _exit(5); // the subreaper has reaped our first parent
    _exit(getppid() == subreaper ? 7 : 4);
}

int main(void) {
    pid_t me = getpid();
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    int on = 0;
    CHECK(prctl(PR_GET_CHILD_SUBREAPER, &on) == 0 && on == 1);
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGCHLD, &sa, NULL) == 0);
    CHECK(pipe(ready) == 0 && pipe(go) == 0);

    pid_t middle = fork();
    CHECK(middle >= 0);
    if (middle == 0) {
        // Exit signal SIGUSR1 for the grandchild: only its first parent may get that.
        pid_t g = clone(grandchild, stack + sizeof stack, SIGUSR1, &me);
        if (g < 0) _exit(10);
        char c;
        if (read(ready[0], &c, 1) != 1) _exit(11);
        _exit(0); // orphans the grandchild
    }
    int st;
    CHECK(waitpid(middle, &st, 0) == middle && WIFEXITED(st) && WEXITSTATUS(st) == 0, "middle %#x", st);
    CHECK(chld_pid == middle);
    CHECK(write(go[1], "g", 1) == 1);
    // The grandchild is ours now: a plain waitpid sees it (it is no longer a clone child),
    // and it ends with the status its parent-death signal led to.
    pid_t g;
    do g = waitpid(-1, &st, 0);
    while (g < 0 && errno == EINTR);
    CHECK(g > 0 && g != middle);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "grandchild status %#x", st);
    CHECK(usr1_count == 0, "the reparented child's exit sent SIGUSR1 to its new parent");
    CHECK(chld_count == 2 && chld_pid == g, "SIGCHLD count %d, last from %d", (int)chld_count, (int)chld_pid);
    CHECK(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD);
    puts("ok");
    return 0;
}
