// Dynamic CPU clocks (clock_getcpuclockid(3), pthread_getcpuclockid(3)): a thread's clock
// read by another thread of the process, a process's clock read by its parent (and
// EINVAL once it is reaped), the per-thread clock of another process's thread refused,
// resolution 1 ns, clock_settime EPERM (EINVAL for the fixed CPU clock ids), and a timer on a thread's CPU clock firing once
// that thread has run long enough.
// SYSCALLS: clock_gettime, clock_getres, clock_settime, timer_create
#define _GNU_SOURCE
#include "lvtest.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

static uint64_t ns_of(clockid_t c) {
    struct timespec ts;
    CHECK(clock_gettime(c, &ts) == 0, "clock %d", (int)c);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}
static void burn(clockid_t c, uint64_t ns) {
    uint64_t end = ns_of(c) + ns;
    while (ns_of(c) < end) {
    }
}
static clockid_t make_clock(int id, int thread, int which) { return (clockid_t)((~(unsigned)id << 3) | (thread ? 4 : 0) | which); }

static volatile int burned;
static void* burner(void* arg) {
    burn(CLOCK_THREAD_CPUTIME_ID, 100000000);
    burned = 1;
    while (burned != 2) usleep(1000);
    return NULL;
}

static volatile int fired;
static void on_usr1(int sig) { fired = 1; }

int main(void) {
    clockid_t mine;
    CHECK(pthread_getcpuclockid(pthread_self(), &mine) == 0);
    CHECK(mine < 0, "a thread's clock id is negative (%d)", (int)mine);
    uint64_t a = ns_of(CLOCK_THREAD_CPUTIME_ID), b = ns_of(mine), c = ns_of(CLOCK_THREAD_CPUTIME_ID);
    CHECK(a <= b && b <= c, "%llu %llu %llu", (unsigned long long)a, (unsigned long long)b, (unsigned long long)c);
    struct timespec res;
    CHECK(clock_getres(mine, &res) == 0 && res.tv_sec == 0 && res.tv_nsec == 1);

    // Another thread's clock, read from here.
    pthread_t th;
    CHECK(pthread_create(&th, NULL, burner, NULL) == 0);
    clockid_t theirs;
    CHECK(pthread_getcpuclockid(th, &theirs) == 0);
    while (!burned) usleep(1000);
    uint64_t t = ns_of(theirs);
    CHECK(t >= 100000000 && t < 10000000000ull, "the burner's clock says %llu ns", (unsigned long long)t);
    burned = 2;
    pthread_join(th, NULL);
    CHECK(ns_of(CLOCK_PROCESS_CPUTIME_ID) >= t);

    // A child's process clock from the parent; the child's thread clock is not ours.
    int pipefd[2];
    CHECK(pipe(pipefd) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        burn(CLOCK_PROCESS_CPUTIME_ID, 100000000);
        CHECK(write(pipefd[1], "x", 1) == 1);
        pause();
        _exit(0);
    }
    char ch;
    CHECK(read(pipefd[0], &ch, 1) == 1);
    clockid_t child;
    CHECK(clock_getcpuclockid(pid, &child) == 0);
    uint64_t ct = ns_of(child);
    CHECK(ct >= 100000000, "the child's clock says %llu ns", (unsigned long long)ct);
    struct timespec ts;
    CHECK_ERR(clock_gettime(make_clock(pid, 1, 2), &ts), EINVAL); // its thread: not one of ours
    CHECK_ERR(clock_gettime(make_clock(pid, 0, 3), &ts), EINVAL); // which 3 is invalid
    CHECK(clock_gettime(make_clock(pid, 0, 0), &ts) == 0);        // PROF
    kill(pid, SIGKILL);
    CHECK(waitpid(pid, NULL, 0) == pid);
    CHECK_ERR(clock_gettime(child, &ts), EINVAL);
    int r = clock_getcpuclockid(pid, &child); // the kernel's EINVAL: glibc makes it ESRCH, musl passes it on
    CHECK(r == ESRCH || r == EINVAL, "clock_getcpuclockid of a reaped child: %d", r);

    // Not settable.
    ts.tv_sec = 1;
    ts.tv_nsec = 0;
    CHECK_ERR(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &ts), EINVAL);
    CHECK_ERR(clock_settime(mine, &ts), EPERM);

    // A timer on this thread's CPU clock fires after 50 ms of its run time.
    signal(SIGUSR1, on_usr1);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    timer_t timer;
    CHECK(timer_create(mine, &ev, &timer) == 0);
    struct itimerspec its = {.it_value = {0, 50000000}};
    CHECK(timer_settime(timer, 0, &its, NULL) == 0);
    uint64_t start = ns_of(CLOCK_MONOTONIC);
    while (!fired && ns_of(CLOCK_MONOTONIC) - start < 5000000000ull) {
    }
    CHECK(fired, "the CPU-clock timer never fired");
    CHECK(timer_delete(timer) == 0);
    return 0;
}
