// Clocks: monotonic never goes backwards and advances across a sleep at least by the
// sleep; realtime comes from the RTC (after 2020); resolution is reported.
// SYSCALLS: clock_gettime, clock_getres, nanosleep, clock_nanosleep
#include "lvtest.h"
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static struct timespec raw_now(clockid_t c) {
    struct timespec t;
    CHECK_OK(syscall(SYS_clock_gettime, c, &t)); // the syscall itself, not the vDSO
    return t;
}

int main(void) {
    struct timespec a = raw_now(CLOCK_MONOTONIC), b;
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000L);
    long long prev = ns(a);
    for (int i = 0; i < 1000; i++) {
        b = raw_now(CLOCK_MONOTONIC);
        CHECK(ns(b) >= prev, "monotonic went back by %lld ns", prev - ns(b));
        prev = ns(b);
    }
    struct timespec req = {0, 20 * 1000 * 1000};
    CHECK_OK(nanosleep(&req, NULL));
    b = raw_now(CLOCK_MONOTONIC);
    CHECK(ns(b) - ns(a) >= 20000000LL, "slept only %lld ns", ns(b) - ns(a));
    CHECK(ns(b) - ns(a) < 10000000000LL, "a 20 ms sleep took %lld ns", ns(b) - ns(a));

    struct timespec c0 = raw_now(CLOCK_MONOTONIC);
    struct timespec rel = {0, 10 * 1000 * 1000};
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &rel, NULL) == 0);
    struct timespec c1 = raw_now(CLOCK_MONOTONIC);
    CHECK(ns(c1) - ns(c0) >= 10000000LL);

    struct timespec rt = raw_now(CLOCK_REALTIME);
    CHECK(rt.tv_sec > 1577836800, "realtime %lld is before 2020", (long long)rt.tv_sec);
    struct timespec lib;
    CHECK_OK(clock_gettime(CLOCK_REALTIME, &lib)); // possibly the vDSO
    CHECK(lib.tv_sec >= rt.tv_sec && lib.tv_sec - rt.tv_sec < 60);
    raw_now(CLOCK_BOOTTIME);

    struct timespec res;
    CHECK_OK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, &res));
    CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000, "resolution %ld ns", res.tv_nsec);
    CHECK_ERR(syscall(SYS_clock_gettime, 12345, &res), EINVAL);
    struct timespec badreq = {0, 1000000000L};
    CHECK_ERR(nanosleep(&badreq, NULL), EINVAL);
    return 0;
}
