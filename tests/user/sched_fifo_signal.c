// A timer's signal reaches a process whose SCHED_FIFO threads keep every CPU busy: the
// kernel's part of a timer (the interrupt's, and its deferred work, kernel/work.h) must
// not wait behind user threads of any fair or low real-time priority. One FIFO thread
// (priority 10) spins on each online CPU until SIGALRM, from alarm(1), sets a flag; then
// a second round with ITIMER_REAL at 200 ms. The main thread blocks SIGALRM, so a
// spinner takes it. Needs root (CAP_SYS_NICE).
// SYSCALLS: sched_setscheduler, alarm, setitimer, rt_sigprocmask
// SERIAL: its host run holds every host CPU at real-time priority for a moment
#define _GNU_SOURCE
#include "lvtest.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t fired;
static void on_alarm(int sig) { fired += sig == SIGALRM; }

static void* spin(void* arg) {
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    while (!fired) {
    }
    return NULL;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Starts a FIFO spinner per CPU after arm(), and waits for all of them.
static double round_trip(long cpus, void (*arm)(void)) {
    pthread_attr_t at;
    CHECK(pthread_attr_init(&at) == 0);
    CHECK(pthread_attr_setinheritsched(&at, PTHREAD_EXPLICIT_SCHED) == 0);
    CHECK(pthread_attr_setschedpolicy(&at, SCHED_FIFO) == 0);
    struct sched_param sp = {.sched_priority = 10};
    CHECK(pthread_attr_setschedparam(&at, &sp) == 0);
    fired = 0;
    double start = now_s();
    arm();
    pthread_t t[64];
    for (long i = 0; i < cpus; i++) {
        int e = pthread_create(&t[i], &at, spin, NULL);
        CHECK(e == 0, "pthread_create with SCHED_FIFO: %d", e);
    }
    for (long i = 0; i < cpus; i++) CHECK(pthread_join(t[i], NULL) == 0);
    return now_s() - start;
}

static void arm_alarm(void) { CHECK_OK(alarm(1)); }
static void arm_itimer(void) {
    struct itimerval v = {{0, 0}, {0, 200000}};
    CHECK_OK(setitimer(ITIMER_REAL, &v, NULL));
}

int main(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(cpus >= 1 && cpus <= 64, "%ld CPUs", cpus);
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    CHECK_OK(sigaction(SIGALRM, &sa, NULL));
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    CHECK_OK(sigprocmask(SIG_BLOCK, &s, NULL)); // the spinners unblock it

    double took = round_trip(cpus, arm_alarm);
    CHECK(fired == 1, "SIGALRM handled %d times", (int)fired);
    CHECK(took >= 0.9 && took < 10, "alarm(1) ended the spin after %.2f s", took);
    took = round_trip(cpus, arm_itimer);
    CHECK(fired == 1, "SIGALRM handled %d times", (int)fired);
    CHECK(took >= 0.15 && took < 10, "a 200 ms ITIMER_REAL ended the spin after %.2f s", took);
    return 0;
}
