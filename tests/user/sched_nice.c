// Nice values decide CPU shares: two busy processes pinned to one CPU for a while, one at
// nice 0 and one at nice 19, get very different CPU times (Linux: about 1024:15); at the
// same nice value they get about the same. CPU times are measured by the kernel
// (wait4's rusage), not by a clock in the test, so a slow machine changes nothing.
// SYSCALLS: setpriority, getpriority, sched_setaffinity, wait4, kill, nanosleep
// TIMEOUT: 120
#define _GNU_SOURCE
#include "lvtest.h"
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static int pick_cpu(void) {
    cpu_set_t set;
    CHECK_OK(sched_getaffinity(0, sizeof set, &set));
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &set)) return i;
    return 0;
}

static pid_t spinner(int cpu, int nice_value, int ready_fd) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid) return pid;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) || setpriority(PRIO_PROCESS, 0, nice_value)) _exit(1);
    errno = 0;
    if (getpriority(PRIO_PROCESS, 0) != nice_value || errno) _exit(2);
    if (write(ready_fd, "x", 1) != 1) _exit(3);
    for (volatile unsigned long n = 0;; n++) {}
}

static double cpu_seconds(const struct rusage* ru) {
    return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 + ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

// Runs a spinner at each nice value on one CPU for `seconds`; their CPU times.
static void race(int cpu, int nice_a, int nice_b, double seconds, double* a, double* b) {
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pa = spinner(cpu, nice_a, p[1]), pb = spinner(cpu, nice_b, p[1]);
    char c[2];
    for (int got = 0; got < 2;) {
        ssize_t r = read(p[0], c, 2 - got);
        CHECK(r > 0, "a spinner failed to start");
        got += (int)r;
    }
    close(p[0]);
    close(p[1]);
    struct timespec ts = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) && errno == EINTR) {}
    CHECK_OK(kill(pa, SIGKILL));
    CHECK_OK(kill(pb, SIGKILL));
    struct rusage ru;
    int st;
    CHECK(wait4(pa, &st, 0, &ru) == pa && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "spinner a: status %x", st);
    *a = cpu_seconds(&ru);
    CHECK(wait4(pb, &st, 0, &ru) == pb && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "spinner b: status %x", st);
    *b = cpu_seconds(&ru);
}

int main(void) {
    int cpu = pick_cpu();
    double a, b;

    race(cpu, 0, 19, 1.5, &a, &b);
    printf("nice 0: %.3f s, nice 19: %.3f s\n", a, b);
    CHECK(a + b > 0.3, "the spinners hardly ran: %.3f + %.3f s", a, b);
    CHECK(a > 4 * b, "nice 0 got %.3f s, nice 19 %.3f s: no real difference", a, b);

    race(cpu, 5, 5, 1.5, &a, &b);
    printf("nice 5: %.3f s and %.3f s\n", a, b);
    CHECK(a + b > 0.3, "the spinners hardly ran: %.3f + %.3f s", a, b);
    CHECK(a > (a + b) / 4 && b > (a + b) / 4, "equal nice values, unequal shares: %.3f and %.3f s", a, b);
    puts("ok");
    return 0;
}
