// alarm and setitimer: ITIMER_REAL raises SIGALRM after wall time, ITIMER_VIRTUAL
// (SIGVTALRM) after user CPU time, ITIMER_PROF (SIGPROF) after CPU time; intervals
// re-arm; getitimer reports what is left; alarm returns the seconds left.
// SYSCALLS: alarm, getitimer, setitimer
#define _GNU_SOURCE
#include "lvtest.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alrm, vtalrm, prof, alrm_code;
static void on_signal(int sig, siginfo_t* si, void* uc) {
    if (sig == SIGALRM) alrm++, alrm_code = si->si_code;
    if (sig == SIGVTALRM) vtalrm++;
    if (sig == SIGPROF) prof++;
}

static long long now_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static volatile unsigned long sink;
static void spin_until(volatile sig_atomic_t* flag, int n, long long limit_ns) {
    long long end = now_ns(CLOCK_MONOTONIC) + limit_ns;
    while (*flag < n && now_ns(CLOCK_MONOTONIC) < end)
        for (int i = 0; i < 10000; i++) sink += i;
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    CHECK(sigaction(SIGVTALRM, &sa, NULL) == 0);
    CHECK(sigaction(SIGPROF, &sa, NULL) == 0);

    // alarm: the previous alarm's seconds come back, rounded.
#ifdef SYS_alarm
    CHECK(syscall(SYS_alarm, 10) == 0);
    long left = syscall(SYS_alarm, 0);
    CHECK(left == 10, "alarm left %ld", left);
    CHECK(syscall(SYS_alarm, 0) == 0);
#endif
    CHECK(alarm(5) == 0);
    CHECK(alarm(0) == 5);

    // ITIMER_REAL, one shot: ~100 ms, SI_KERNEL.
    struct itimerval it = {{0, 0}, {0, 100000}}, old;
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK(getitimer(ITIMER_REAL, &old) == 0);
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec > 0 && old.it_value.tv_usec <= 100000);
    while (!alrm && now_ns(CLOCK_MONOTONIC) - t0 < 5000000000ll) pause();
    long long waited = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK(alrm == 1);
    CHECK(waited >= 95000000ll, "SIGALRM after %lld ns", waited);
    CHECK(alrm_code == SI_KERNEL, "si_code %d", (int)alrm_code);
    CHECK(getitimer(ITIMER_REAL, &old) == 0);
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0); // fired: disarmed

    // Periodic: 50 ms; three signals, then disarm and read back the interval.
    struct itimerval per = {{0, 50000}, {0, 50000}};
    CHECK(setitimer(ITIMER_REAL, &per, NULL) == 0);
    alrm = 0;
    while (alrm < 3) pause();
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, &old) == 0);
    CHECK(old.it_interval.tv_usec == 50000 && old.it_interval.tv_sec == 0);

    // ITIMER_VIRTUAL and ITIMER_PROF count CPU time: spinning raises them.
    struct itimerval cpu = {{0, 20000}, {0, 20000}};
    CHECK(setitimer(ITIMER_VIRTUAL, &cpu, NULL) == 0);
    CHECK(setitimer(ITIMER_PROF, &cpu, NULL) == 0);
    spin_until(&vtalrm, 2, 20000000000ll);
    spin_until(&prof, 2, 20000000000ll);
    CHECK(vtalrm >= 2 && prof >= 2, "vtalrm %d prof %d", (int)vtalrm, (int)prof);
    CHECK(getitimer(ITIMER_VIRTUAL, &old) == 0);
    CHECK(old.it_interval.tv_usec == 20000);
    CHECK(setitimer(ITIMER_VIRTUAL, &off, NULL) == 0);
    CHECK(setitimer(ITIMER_PROF, &off, NULL) == 0);
    // Sleeping does not consume ITIMER_VIRTUAL.
    struct itimerval vshort = {{0, 0}, {0, 10000}};
    CHECK(setitimer(ITIMER_VIRTUAL, &vshort, NULL) == 0);
    vtalrm = 0;
    usleep(200000);
    CHECK(vtalrm == 0);
    CHECK(setitimer(ITIMER_VIRTUAL, &off, NULL) == 0);

    // Errors.
    struct itimerval bad = {{0, 0}, {0, 1000000}};
    CHECK_ERR(setitimer(ITIMER_REAL, &bad, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_setitimer, 3, &it, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_getitimer, 3, &old), EINVAL);
    CHECK_ERR(syscall(SYS_getitimer, ITIMER_REAL, 8), EFAULT);
    return 0;
}
