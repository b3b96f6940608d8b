// POSIX timers: SIGEV_SIGNAL with si_code SI_TIMER, si_timerid and si_value; SIGEV_NONE
// counts down without a signal; SIGEV_THREAD_ID targets one thread; periodic timers
// count overruns while their signal is blocked; absolute times; ids and errors.
// SYSCALLS: timer_create, timer_settime, timer_gettime, timer_getoverrun, timer_delete, rt_sigtimedwait
#define _GNU_SOURCE
#include "lvtest.h"
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// Raw syscalls: the kernel's timer id is an int; the C libraries wrap it differently.
static int mk(clockid_t clock, struct sigevent* ev) {
    int id = -1;
    long r = syscall(SYS_timer_create, clock, ev, &id);
    return r == 0 ? id : -1;
}
static long settime(int id, int flags, long long value_ns, long long interval_ns, struct itimerspec* old) {
    struct itimerspec its = {{interval_ns / 1000000000, interval_ns % 1000000000},
                             {value_ns / 1000000000, value_ns % 1000000000}};
    return syscall(SYS_timer_settime, id, flags, &its, old);
}
static long long left_ns(int id) {
    struct itimerspec its;
    CHECK(syscall(SYS_timer_gettime, id, &its) == 0);
    return its.it_value.tv_sec * 1000000000ll + its.it_value.tv_nsec;
}
static long long now_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}
// Waits for `sig` (blocked) with sigtimedwait, up to 5 s.
static int wait_sig(int sig, siginfo_t* si) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    struct timespec ts = {5, 0};
    return sigtimedwait(&set, si, &ts);
}

static volatile pid_t worker_tid;
static volatile int worker_got;
static void* worker(void* arg) {
    worker_tid = syscall(SYS_gettid);
    siginfo_t si;
    if (wait_sig(SIGUSR2, &si) == SIGUSR2 && si.si_code == SI_TIMER) worker_got = si.si_value.sival_int;
    return NULL;
}

int main(void) {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGALRM);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);

    // SIGEV_SIGNAL: one shot after 50 ms, with our value.
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    ev.sigev_value.sival_int = 4242;
    int a = mk(CLOCK_MONOTONIC, &ev);
    CHECK(a >= 0);
    int b = mk(CLOCK_REALTIME, NULL); // default: SIGALRM, value = the id
    CHECK(b >= 0 && b != a);
    CHECK(left_ns(a) == 0); // created disarmed
    long long t0 = now_ns(CLOCK_MONOTONIC);
    CHECK(settime(a, 0, 50000000, 0, NULL) == 0);
    long long l = left_ns(a);
    CHECK(l > 0 && l <= 50000000, "left %lld", l);
    siginfo_t si;
    CHECK(wait_sig(SIGUSR1, &si) == SIGUSR1);
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 45000000ll);
    CHECK(si.si_code == SI_TIMER, "si_code %d", si.si_code);
    CHECK(si.si_value.sival_int == 4242);
    CHECK(si.si_overrun == 0);
    CHECK(left_ns(a) == 0); // one shot: done

    // Absolute CLOCK_REALTIME time 50 ms ahead, with the default event (SIGALRM).
    long long rt = now_ns(CLOCK_REALTIME) + 50000000;
    CHECK(settime(b, TIMER_ABSTIME, rt, 0, NULL) == 0);
    CHECK(wait_sig(SIGALRM, &si) == SIGALRM);
    CHECK(now_ns(CLOCK_REALTIME) >= rt - 1000000);
    CHECK(si.si_code == SI_TIMER);
    // (Linux puts the timer id in si_value here; qemu-aarch64 maps timer ids, so the
    // value is not compared.)
    // An absolute time in the past fires at once.
    CHECK(settime(b, TIMER_ABSTIME, 1000000000ll, 0, NULL) == 0);
    CHECK(wait_sig(SIGALRM, &si) == SIGALRM);

    // Periodic, 10 ms, while the signal stays pending: expirations become overruns.
    CHECK(settime(a, 0, 10000000, 10000000, NULL) == 0);
    struct timespec nap = {0, 300000000};
    nanosleep(&nap, NULL);
    CHECK(wait_sig(SIGUSR1, &si) == SIGUSR1);
    CHECK(si.si_overrun >= 5, "si_overrun %d", si.si_overrun);
    CHECK(syscall(SYS_timer_getoverrun, a) == si.si_overrun);
    struct itimerspec old;
    CHECK(settime(a, 0, 0, 0, &old) == 0); // disarm, reading the old setting
    CHECK(old.it_interval.tv_nsec == 10000000 && old.it_interval.tv_sec == 0);
    CHECK(left_ns(a) == 0);
    // A signal still pending from it is discarded on delete... (drain in case it fired)
    sigset_t pend;
    sigpending(&pend);
    if (sigismember(&pend, SIGUSR1)) CHECK(wait_sig(SIGUSR1, &si) == SIGUSR1);

    // SIGEV_NONE: no signal, but the time left counts down.
    struct sigevent none = {0};
    none.sigev_notify = SIGEV_NONE;
    int c = mk(CLOCK_MONOTONIC, &none);
    CHECK(c >= 0);
    CHECK(settime(c, 0, 2000000000ll, 0, NULL) == 0);
    nanosleep(&(struct timespec){0, 100000000}, NULL);
    l = left_ns(c);
    CHECK(l > 0 && l <= 1900000000ll + 20000000, "left %lld", l);

    // SIGEV_THREAD_ID: only that thread gets it.
    pthread_t th;
    CHECK(pthread_create(&th, NULL, worker, NULL) == 0);
    while (!worker_tid) sched_yield();
    struct sigevent tev = {0};
    tev.sigev_notify = SIGEV_THREAD_ID;
    tev.sigev_signo = SIGUSR2;
    tev.sigev_value.sival_int = 77;
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif
    tev.sigev_notify_thread_id = worker_tid;
    int d = mk(CLOCK_MONOTONIC, &tev);
    CHECK(d >= 0);
    CHECK(settime(d, 0, 30000000, 0, NULL) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK(worker_got == 77, "worker got %d", worker_got);
    tev.sigev_notify_thread_id = 0x3fffffff; // not one of ours
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, &tev, &d), EINVAL);

    // CPU-time clocks: the timer runs down only while the process (or thread) runs.
    struct sigevent cev = {0};
    cev.sigev_notify = SIGEV_SIGNAL;
    cev.sigev_signo = SIGUSR1;
    cev.sigev_value.sival_int = 5;
    clockid_t cpu_clocks[] = {CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID};
    for (int i = 0; i < 2; i++) {
        int e = mk(cpu_clocks[i], &cev);
        CHECK(e >= 0);
        CHECK(settime(e, 0, 100000000, 0, NULL) == 0);
        nanosleep(&(struct timespec){0, 200000000}, NULL); // sleeping uses no CPU time
        l = left_ns(e);
        CHECK(l > 50000000ll, "left %lld after sleeping", l);
        long long start = now_ns(cpu_clocks[i]);
        sigset_t pend;
        do {
            sigpending(&pend);
        } while (!sigismember(&pend, SIGUSR1) && now_ns(cpu_clocks[i]) - start < 5000000000ll);
        CHECK(wait_sig(SIGUSR1, &si) == SIGUSR1);
        CHECK(si.si_code == SI_TIMER && si.si_value.sival_int == 5);
        CHECK(now_ns(cpu_clocks[i]) - start >= 40000000ll);
        CHECK(syscall(SYS_timer_delete, e) == 0);
    }

    // Errors.
    int id;
    struct sigevent badev = {0};
    badev.sigev_notify = SIGEV_SIGNAL;
    badev.sigev_signo = 0;
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, &badev, &id), EINVAL);
    badev.sigev_signo = SIGUSR1;
    badev.sigev_notify = 99;
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, &badev, &id), EINVAL);
    CHECK_ERR(syscall(SYS_timer_create, 99, NULL, &id), EINVAL);
    CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, 8), EFAULT);
    CHECK_ERR(settime(a, 0, -1, 0, NULL), EINVAL);
    struct itimerspec bad = {{0, 0}, {0, 1000000000}};
    CHECK_ERR(syscall(SYS_timer_settime, a, 0, &bad, NULL), EINVAL);
    CHECK_ERR(syscall(SYS_timer_gettime, 12345, &old), EINVAL);
    CHECK_ERR(syscall(SYS_timer_getoverrun, 12345), EINVAL);
    CHECK(syscall(SYS_timer_delete, a) == 0);
    CHECK_ERR(syscall(SYS_timer_delete, a), EINVAL);
    CHECK_ERR(syscall(SYS_timer_gettime, a, &old), EINVAL);
    CHECK(syscall(SYS_timer_delete, b) == 0);
    CHECK(syscall(SYS_timer_delete, c) == 0);
    CHECK(syscall(SYS_timer_delete, d) == 0);
    return 0;
}
