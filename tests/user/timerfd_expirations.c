// timerfd: a one-shot relative timer expires once (read gives 1, then it is disarmed and
// gettime says 0), a periodic one counts every interval between reads, an absolute
// CLOCK_REALTIME or CLOCK_MONOTONIC time in the past fires at once, settime returns the
// old setting and resets the count, reads block until an expiration (EAGAIN when
// non-blocking, EINVAL under 8 bytes), poll and epoll see expirations, and the errors
// of create and settime.
// SYSCALLS: timerfd_create, timerfd_settime, timerfd_gettime, read, poll, epoll_wait
#include "lvtest.h"
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static long ms_since(const struct timespec* t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}
static void sleep_ms(long ms) {
    struct timespec d = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&d, NULL);
}
#define MS(n) ((long)(n) * 1000000)

int main(void) {
    uint64_t n;
    struct itimerspec its, old;

    // One shot, 50 ms: the read blocks until then and returns 1.
    int fd = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, 0));
    CHECK(fcntl(fd, F_GETFD) == 0);
    CHECK_OK(timerfd_gettime(fd, &its));
    CHECK(its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0, "a new timer is disarmed");
    its = (struct itimerspec) {{0, 0}, {0, MS(50)}};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(timerfd_settime(fd, 0, &its, NULL));
    CHECK_OK(timerfd_gettime(fd, &its));
    CHECK(its.it_value.tv_sec == 0 && its.it_value.tv_nsec > MS(20) && its.it_value.tv_nsec <= MS(50),
          "left %ld ns", its.it_value.tv_nsec);
    CHECK(read(fd, &n, 8) == 8 && n == 1, "n %llu", (unsigned long long)n);
    long took = ms_since(&t0);
    CHECK(took >= 49 && took < 2000, "took %ld ms", took);
    CHECK_OK(timerfd_gettime(fd, &its));
    CHECK(its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0, "expired: disarmed");
    CHECK_ERR(read(fd, &n, 4), EINVAL);
    CHECK_OK(close(fd));

    // Periodic, 20 ms: about 5 expirations in 110 ms, counted in one read.
    fd = CHECK_OK(timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC));
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC && (fcntl(fd, F_GETFL) & O_NONBLOCK));
    CHECK_ERR(read(fd, &n, 8), EAGAIN);
    its = (struct itimerspec) {{0, MS(20)}, {0, MS(20)}};
    CHECK_OK(timerfd_settime(fd, 0, &its, NULL));
    sleep_ms(110);
    CHECK(read(fd, &n, 8) == 8 && n >= 4 && n <= 6, "periodic: %llu expirations", (unsigned long long)n);
    CHECK_ERR(read(fd, &n, 8), EAGAIN);
    // poll and epoll see the next one.
    struct pollfd p = {fd, POLLIN, 0};
    CHECK(poll(&p, 1, 1000) == 1 && p.revents == POLLIN);
    int ep = CHECK_OK(epoll_create1(0));
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
    CHECK(epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.fd == fd);
    CHECK(read(fd, &n, 8) == 8 && n >= 1);
    CHECK(epoll_wait(ep, &ev, 1, 1000) == 1, "the next period wakes epoll");
    // settime returns the old setting; disarming resets the count.
    struct itimerspec off = {{0, 0}, {0, 0}};
    CHECK_OK(timerfd_settime(fd, 0, &off, &old));
    CHECK(old.it_interval.tv_nsec == MS(20) && old.it_value.tv_sec == 0 && old.it_value.tv_nsec <= MS(20));
    CHECK_ERR(read(fd, &n, 8), EAGAIN);
    CHECK_OK(close(fd));

    // Absolute times in the past fire at once; on a periodic timer each missed period counts.
    for (int clock = 0; clock < 2; clock++) {
        clockid_t c = clock ? CLOCK_MONOTONIC : CLOCK_REALTIME;
        fd = CHECK_OK(timerfd_create(c, TFD_NONBLOCK));
        struct timespec now;
        clock_gettime(c, &now);
        // A second ago, or just after the clock's zero on a system up for less than that.
        int64_t now_ns = now.tv_sec * 1000000000LL + now.tv_nsec;
        int64_t past = now_ns > 1000000000LL ? now_ns - 1000000000LL : 1;
        long expect = (long)((now_ns - past) / MS(100)) + 1;
        its = (struct itimerspec) {{0, MS(100)}, {past / 1000000000LL, past % 1000000000LL}};
        CHECK_OK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL));
        CHECK(read(fd, &n, 8) == 8 && (long)n >= expect && (long)n <= expect + 1, "clock %d: %llu, not %ld",
              (int)c, (unsigned long long)n, expect);
        // An absolute time 60 ms ahead.
        clock_gettime(c, &now);
        now.tv_nsec += MS(60);
        if (now.tv_nsec >= 1000000000) {
            now.tv_sec++;
            now.tv_nsec -= 1000000000;
        }
        its = (struct itimerspec) {{0, 0}, now};
        CHECK_OK(timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL));
        CHECK_OK(timerfd_gettime(fd, &its));
        CHECK(its.it_value.tv_sec == 0 && its.it_value.tv_nsec > MS(20) && its.it_value.tv_nsec <= MS(60),
              "gettime is relative: %ld ns", its.it_value.tv_nsec);
        CHECK_ERR(read(fd, &n, 8), EAGAIN);
        p = (struct pollfd) {fd, POLLIN, 0};
        CHECK(poll(&p, 1, 2000) == 1);
        CHECK(read(fd, &n, 8) == 8 && n == 1);
        CHECK_OK(close(fd));
    }

    // Errors.
    CHECK_ERR(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
    CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, O_APPEND), EINVAL);
    fd = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, 0));
    its = (struct itimerspec) {{0, 0}, {0, 1000000000}};
    CHECK_ERR(timerfd_settime(fd, 0, &its, NULL), EINVAL);
    its.it_value.tv_nsec = 0;
    CHECK_ERR(timerfd_settime(fd, 4, &its, NULL), EINVAL);
    CHECK_ERR(timerfd_settime(0, 0, &its, NULL), EINVAL);
    CHECK_ERR(timerfd_settime(999, 0, &its, NULL), EBADF);
    CHECK_ERR(timerfd_gettime(0, &its), EINVAL);
    return 0;
}
