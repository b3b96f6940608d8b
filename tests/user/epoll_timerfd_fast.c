// A periodic timerfd faster than the kernel's tick, watched by level-triggered epolls
// (one nested in another): every epoll_wait reports it with its expiration count, and
// the epolls stay consistent while polling the timer finds new expirations (polling
// a timerfd may wake its queue, which re-queues the registration being reported).
// SYSCALLS: epoll_create1, epoll_ctl, epoll_wait, timerfd_create, timerfd_settime, read
#include "lvtest.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(void) {
    int tfd = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    struct itimerspec its = {{0, 200 * 1000}, {0, 200 * 1000}}; // every 0.2 ms
    uint64_t start = now_ns();
    CHECK_OK(timerfd_settime(tfd, 0, &its, NULL));
    int inner = CHECK_OK(epoll_create1(EPOLL_CLOEXEC));
    int outer = CHECK_OK(epoll_create1(EPOLL_CLOEXEC));
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
    CHECK_OK(epoll_ctl(inner, EPOLL_CTL_ADD, tfd, &ev));
    ev.data.u64 = 9;
    CHECK_OK(epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ev));

    uint64_t total = 0;
    for (int round = 0; round < 300; round++) {
        struct epoll_event got[4];
        int n = CHECK_OK(epoll_wait(outer, got, 4, 1000));
        CHECK(n == 1 && got[0].data.u64 == 9 && (got[0].events & EPOLLIN), "outer: n %d", n);
        // Level-triggered and not read yet: the inner epoll reports it, more than once.
        for (int again = 0; again < 2; again++) {
            n = CHECK_OK(epoll_wait(inner, got, 4, 1000));
            CHECK(n == 1 && got[0].data.u64 == 7 && (got[0].events & EPOLLIN), "inner: n %d", n);
        }
        uint64_t count;
        ssize_t r = read(tfd, &count, sizeof count); // reported readable: never EAGAIN
        CHECK(r == sizeof count && count >= 1, "read %zd, count %llu", r, (unsigned long long)count);
        total += count;
    }
    // Every expiration is counted once: no more than the time since the setting allows.
    uint64_t elapsed = now_ns() - start;
    CHECK(total >= 300 && total <= elapsed / (200 * 1000) + 1, "%llu expirations in %llu ns", (unsigned long long)total,
          (unsigned long long)elapsed);
    puts("ok");
    return 0;
}
