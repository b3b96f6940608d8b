// A signal to a thread that spins in user mode (on another CPU, where there is one)
// interrupts it promptly: the handler runs on that thread and ends the spin.
// SYSCALLS: tgkill, rt_sigaction
#include "lvtest.h"
#include <pthread.h>
#include <signal.h>
#include <time.h>

static volatile int stop, spinning;
static pthread_t spinner_id;
static volatile pthread_t handled_on;

static void on_usr1(int sig) {
    handled_on = pthread_self();
    stop = 1;
}

static void* spinner(void* arg) {
    while (!stop) spinning = 1;
    return NULL;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
    struct sigaction sa = {.sa_handler = on_usr1};
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    for (int round = 0; round < 20; round++) {
        stop = spinning = 0;
        CHECK(pthread_create(&spinner_id, NULL, spinner, NULL) == 0);
        while (!spinning) sched_yield();
        double t0 = now();
        CHECK(pthread_kill(spinner_id, SIGUSR1) == 0);
        CHECK(pthread_join(spinner_id, NULL) == 0);
        CHECK(handled_on == spinner_id, "the handler ran on another thread");
        CHECK(now() - t0 < 5, "the spinner took %.1f s to see the signal", now() - t0);
    }
    puts("ok");
    return 0;
}
