// A CLONE_PARENT child is its creator's sibling and ends with the creator's exit signal
// (Linux's copy_process), whatever exit signal clone() asked for: the fuzzer's
// CLONE_PARENT children with exit signal SIGKILL killed the process above them.
// SYSCALLS: clone, wait4
// HOST-QEMU-SKIP: qemu-aarch64 refuses CLONE_PARENT in a fork-style clone (EINVAL)
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvtest.h"

static volatile sig_atomic_t usr1;
static void on_usr1(int s) { (void)s; usr1++; }
static char stack[64 * 1024] __attribute__((aligned(16)));
static int sibling(void* arg) { (void)arg; _exit(5); }

int main(void) {
    signal(SIGUSR1, on_usr1);
    pid_t me = getpid();
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        pid_t s = clone(sibling, stack + sizeof stack, CLONE_PARENT | SIGUSR1, NULL);
        _exit(s > 0 ? 0 : 1);
    }
    int st, seen = 0;
    for (;;) {
        pid_t w = waitpid(-1, &st, 0); // a plain wait sees it: its exit signal is SIGCHLD
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) break;
        if (w == c) CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
        else {
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "sibling status %#x", st);
            seen++;
        }
    }
    CHECK(errno == ECHILD && seen == 1);
    CHECK(usr1 == 0, "the sibling's end sent SIGUSR1 to %d", (int)me);
    puts("ok");
    return 0;
}
