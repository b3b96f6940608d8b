// execve ends the POSIX timers (timer_create) of the old image, but keeps its interval
// timers: an ITIMER_REAL set before exec still raises SIGALRM afterwards.
// HOST-QEMU-SKIP: qemu-aarch64 cannot execve an arm64 binary here
// SYSCALLS: timer_create, timer_gettime, execve, getitimer, setitimer
#define _GNU_SOURCE
#include "lvtest.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc == 2) { // after exec: argv[1] is the old timer's id
        struct itimerspec its;
        CHECK_ERR(syscall(SYS_timer_gettime, atoi(argv[1]), &its), EINVAL);
        struct itimerval it;
        CHECK(getitimer(ITIMER_REAL, &it) == 0);
        CHECK(it.it_value.tv_sec > 0 && it.it_value.tv_sec <= 100, "ITIMER_REAL %ld s left", (long)it.it_value.tv_sec);
        return 0;
    }
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    int id;
    CHECK(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id) == 0);
    struct itimerspec its = {{0, 0}, {100, 0}};
    CHECK(syscall(SYS_timer_settime, id, 0, &its, NULL) == 0);
    struct itimerval it = {{0, 0}, {100, 0}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    char arg[16];
    snprintf(arg, sizeof arg, "%d", id);
    execl("/proc/self/exe", argv[0], arg, (char*)NULL);
    LV_FAIL("execl: %s", strerror(errno));
}
