// A timerfd firing every nanosecond does not take the machine: its expirations are
// counted while other work (a sleep, a fork) goes on, and it can be disarmed. (The
// timer thread once went round without sleeping, interrupts off and the giant lock
// held, whenever the next expiry had passed by the time it was computed.)
// SYSCALLS: timerfd_create, timerfd_settime
#define _GNU_SOURCE
#include "lvtest.h"
#include <stdint.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

int main(void) {
    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
        CHECK(fds[i] >= 0);
        struct itimerspec its = {.it_interval = {0, 1}, .it_value = {0, 1}};
        CHECK(timerfd_settime(fds[i], 0, &its, NULL) == 0);
    }
    usleep(200000);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(7);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7);
    for (int i = 0; i < 3; i++) {
        uint64_t n = 0;
        CHECK(read(fds[i], &n, sizeof n) == sizeof n);
        CHECK(n > 1000, "only %llu expirations in 200 ms", (unsigned long long)n);
        struct itimerspec off = {0};
        CHECK(timerfd_settime(fds[i], 0, &off, NULL) == 0);
        CHECK_ERR(read(fds[i], &n, sizeof n), EAGAIN);
        close(fds[i]);
    }
    return 0;
}
