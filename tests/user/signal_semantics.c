// Signal delivery rules: handlers on the alternate stack (SA_ONSTACK), the mask while a
// handler runs (sa_mask + the signal itself unless SA_NODEFER), SA_RESETHAND, pending
// blocked signals (sigpending), sigsuspend, and SA_RESTART versus EINTR for a blocking read.
// SYSCALLS: sigaltstack, rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend, kill, read, nanosleep, fork
#include "lvtest.h"
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char altstack[64 * 1024];
static volatile sig_atomic_t on_alt, usr1_count, usr2_seen_mask_has_usr1, nodefer_depth, max_depth;

static void alt_handler(int sig) {
    char here;
    on_alt = (uintptr_t)&here >= (uintptr_t)altstack && (uintptr_t)&here < (uintptr_t)altstack + sizeof altstack;
    stack_t ss;
    sigaltstack(NULL, &ss);
    if (!(ss.ss_flags & SS_ONSTACK)) on_alt = 0;
}

static void usr2_handler(int sig) {
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    usr2_seen_mask_has_usr1 = sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGUSR2);
}

static void count_handler(int sig) { usr1_count++; }

static void nodefer_handler(int sig) {
    nodefer_depth++;
    if (nodefer_depth > max_depth) max_depth = nodefer_depth;
    if (nodefer_depth < 3) raise(SIGUSR1); // delivered at once: SA_NODEFER
    nodefer_depth--;
}

static void nothing(int sig) {}

// Forks a child that sends `sig` to us after a short delay.
static pid_t signal_me_later(int sig) {
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        struct timespec t = {0, 50 * 1000 * 1000};
        nanosleep(&t, NULL);
        kill(parent, sig);
        _exit(0);
    }
    return c;
}

int main(void) {
    // 1. SA_ONSTACK runs on the alternate stack, which reports SS_ONSTACK meanwhile.
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    CHECK_OK(sigaltstack(&ss, NULL));
    struct sigaction sa = {0};
    sa.sa_handler = alt_handler;
    sa.sa_flags = SA_ONSTACK;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK(on_alt, "the handler did not run on the alternate stack");
    stack_t cur;
    CHECK_OK(sigaltstack(NULL, &cur));
    CHECK(cur.ss_sp == altstack && cur.ss_size == sizeof altstack && cur.ss_flags == 0);
    ss.ss_size = 16;
    CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);

    // 2. The handler's mask: sa_mask plus the signal itself.
    sa = (struct sigaction){0};
    sa.sa_handler = usr2_handler;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR1);
    CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
    CHECK_OK(raise(SIGUSR2));
    CHECK(usr2_seen_mask_has_usr1, "sa_mask or the signal itself was not blocked in the handler");
    sigset_t after;
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &after));
    CHECK(!sigismember(&after, SIGUSR1) && !sigismember(&after, SIGUSR2), "the mask came back");

    // 3. SA_NODEFER lets the handler interrupt itself; SA_RESETHAND restores SIG_DFL.
    sa = (struct sigaction){0};
    sa.sa_handler = nodefer_handler;
    sa.sa_flags = SA_NODEFER;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK(max_depth == 3, "nesting depth %d", (int)max_depth);
    sa = (struct sigaction){0};
    sa.sa_handler = count_handler;
    sa.sa_flags = SA_RESETHAND;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    CHECK_OK(raise(SIGUSR1));
    struct sigaction old;
    CHECK_OK(sigaction(SIGUSR1, NULL, &old));
    CHECK(usr1_count == 1 && old.sa_handler == SIG_DFL, "SA_RESETHAND");

    // 4. A blocked signal stays pending; sigsuspend takes it with a temporary mask.
    sa = (struct sigaction){0};
    sa.sa_handler = count_handler;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    sigset_t block, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1) && usr1_count == 1, "blocked signal pending, not delivered");
    sigset_t none;
    sigemptyset(&none);
    CHECK_ERR(sigsuspend(&none), EINTR);
    CHECK(usr1_count == 2, "sigsuspend delivered it");
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &after));
    CHECK(sigismember(&after, SIGUSR1), "sigsuspend restored the old mask");
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));

    // 5. A read interrupted by a handler: EINTR without SA_RESTART, restarted with it.
    int p[2];
    CHECK_OK(pipe(p));
    sa = (struct sigaction){0};
    sa.sa_handler = nothing;
    CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
    pid_t c = signal_me_later(SIGUSR2);
    char buf[4];
    CHECK_ERR(read(p[0], buf, sizeof buf), EINTR);
    CHECK(waitpid(c, NULL, 0) == c);
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
    c = signal_me_later(SIGUSR2);
    pid_t writer = fork();
    if (writer == 0) {
        struct timespec t = {0, 200 * 1000 * 1000};
        nanosleep(&t, NULL);
        write(p[1], "ok", 2);
        _exit(0);
    }
    CHECK(read(p[0], buf, sizeof buf) == 2, "the read was restarted after the handler");
    CHECK(waitpid(c, NULL, 0) == c && waitpid(writer, NULL, 0) == writer);
    puts("signals ok");
    return 0;
}
