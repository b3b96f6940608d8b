// timer_create with SIGEV_THREAD through the C library: glibc and musl run the callback
// on a helper thread that waits for a timer signal aimed at it (SIGEV_THREAD_ID) with
// sigwaitinfo, so this exercises thread-directed timer signals end to end.
// SYSCALLS: timer_create, timer_settime, timer_delete, rt_sigtimedwait
#define _GNU_SOURCE
#include "lvtest.h"
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static volatile int calls, value;
static void callback(union sigval v) {
    value = v.sival_int;
    __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
}

int main(void) {
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = callback;
    ev.sigev_value.sival_int = 31337;
    timer_t t;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
    struct itimerspec its = {{0, 20000000}, {0, 20000000}}; // every 20 ms
    CHECK(timer_settime(t, 0, &its, NULL) == 0);
    for (int i = 0; i < 500 && calls < 3; i++) usleep(10000);
    CHECK(calls >= 3, "callback ran %d times", calls);
    CHECK(value == 31337);
    CHECK(timer_delete(t) == 0);
    return 0;
}
