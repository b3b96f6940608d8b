// A vfork child can be reaped before its vfork parent wakes: with CLONE_PARENT its
// parent is the vfork parent's parent, which reaps it as soon as it exits. The vfork
// parent must not touch the child after that (the kernel kept the parent's wait queue in
// the child and read it after the child was freed: the fuzzer's seed 1052570478985).
// SYSCALLS: clone, wait4, sched_yield
// HOST-QEMU-SKIP: qemu-aarch64 refuses CLONE_PARENT in a fork-style clone (EINVAL)
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvtest.h"

enum { kRounds = 300 };
static char stack[64 * 1024] __attribute__((aligned(16)));
static int child(void* arg) { (void)arg; _exit(7); }

int main(void) {
    pid_t p = fork();
    CHECK(p >= 0);
    if (p == 0) {
        for (int i = 0; i < kRounds; i++) {
            // Back only once the child is gone, so the one stack serves every round.
            pid_t c = clone(child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | CLONE_PARENT | SIGCHLD, NULL);
            if (c < 0) _exit(1);
        }
        _exit(0);
    }
    // Polling keeps this process runnable, so that when a child exits it tends to run
    // (and reap) before the woken vfork parent does.
    int st, siblings = 0, parent_seen = 0;
    for (;;) {
        pid_t w = waitpid(-1, &st, WNOHANG);
        if (w == 0 || (w < 0 && errno == EINTR)) {
            sched_yield();
            continue;
        }
        if (w < 0) break;
        if (w == p) {
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "vfork parent status %#x", st);
            parent_seen = 1;
        } else {
            CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "child status %#x", st);
            siblings++;
        }
    }
    CHECK(errno == ECHILD && parent_seen && siblings == kRounds, "parent %d children %d", parent_seen, siblings);
    puts("ok");
    return 0;
}
