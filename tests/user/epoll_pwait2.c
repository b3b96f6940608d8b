// epoll_pwait2(2): the timeout is a timespec (null: forever; zero: do not wait; an
// invalid one: EINVAL), with epoll_pwait's signal mask.
// SYSCALLS: epoll_pwait2, epoll_create1, epoll_ctl, eventfd2
// HOST-QEMU-SKIP: qemu-aarch64 (7.2) has no epoll_pwait2
#include "lvtest.h"
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long pwait2(int ep, struct epoll_event* out, int n, const struct timespec* ts, const sigset_t* mask) {
    return syscall(SYS_epoll_pwait2, ep, out, n, ts, mask, 8);
}

int main(void) {
    int ep = CHECK_OK(epoll_create1(0));
    int e = CHECK_OK(eventfd(0, 0));
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 5}, out[2];
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev));

    struct timespec t0, t1, ts = {0, 40 * 1000000};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(pwait2(ep, out, 2, &ts, NULL) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms >= 39 && ms < 2000, "took %ld ms", ms);
    CHECK(ts.tv_sec == 0 && ts.tv_nsec == 40 * 1000000, "the timeout is not written back");

    ts = (struct timespec) {0, 0};
    CHECK(pwait2(ep, out, 2, &ts, NULL) == 0);
    uint64_t one = 1;
    CHECK(write(e, &one, 8) == 8);
    CHECK(pwait2(ep, out, 2, NULL, NULL) == 1 && out[0].data.u32 == 5);

    ts = (struct timespec) {0, 1000000000};
    CHECK(pwait2(ep, out, 2, &ts, NULL) == -1 && errno == EINVAL);
    ts = (struct timespec) {-1, 0};
    CHECK(pwait2(ep, out, 2, &ts, NULL) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_epoll_pwait2, ep, out, 2, NULL, out, 16) == -1 && errno == EINVAL);

    // The mask is in force while waiting: a blocked signal does not interrupt.
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    signal(SIGUSR1, SIG_DFL);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK(read(e, &one, 8) == 8);
    ts = (struct timespec) {0, 10 * 1000000};
    CHECK(pwait2(ep, out, 2, &ts, &block) == 0);
    return 0;
}
