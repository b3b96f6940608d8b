// select(2) and pselect6(2): fd_set bits in and out (only ready fds stay set, the count
// is over all three sets), fds at and above nfds ignored, EBADF for a closed fd in a
// set (sets untouched), EINVAL for a negative nfds or timeout, the time left written
// back to the timeout (select's timeval, pselect6's timespec), and a set at fd 70.
// SYSCALLS: select, pselect6, pipe2, dup2
#include "lvtest.h"
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// The raw calls: C libraries may hand the kernel a copy of the timeout.
static long raw_pselect(int n, fd_set* r, fd_set* w, fd_set* e, struct timespec* ts, const sigset_t* mask) {
    struct {
        const sigset_t* set;
        size_t size;
    } pack = {mask, 8};
    return syscall(SYS_pselect6, n, r, w, e, ts, mask ? &pack : NULL);
}

int main(void) {
    int p[2];
    CHECK_OK(pipe(p));
    fd_set r, w, e;
    struct timeval tv = {0, 0};

    // An empty pipe: only the write end is ready.
    FD_ZERO(&r); FD_ZERO(&w); FD_ZERO(&e);
    FD_SET(p[0], &r); FD_SET(p[1], &w); FD_SET(p[0], &e);
    CHECK(select(p[1] + 1, &r, &w, &e, &tv) == 1);
    CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w) && !FD_ISSET(p[0], &e));

    // Data: both; the same fd in two sets counts twice.
    CHECK(write(p[1], "x", 1) == 1);
    FD_ZERO(&r); FD_ZERO(&w);
    FD_SET(p[0], &r); FD_SET(p[1], &w); FD_SET(p[1], &r);
    CHECK(select(p[1] + 1, &r, &w, NULL, &tv) == 2);
    CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w) && !FD_ISSET(p[1], &r), "a write end is not readable");

    // fds at or above nfds are not looked at (and are cleared on return).
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK(select(p[0], &r, NULL, NULL, &tv) == 0);
    CHECK(!FD_ISSET(p[0], &r));

    // A closed fd in a set: EBADF, and the sets are left alone.
    int closed = 60;
    close(closed);
    FD_ZERO(&r);
    FD_SET(p[0], &r); FD_SET(closed, &r);
    CHECK_ERR(select(closed + 1, &r, NULL, NULL, &tv), EBADF);
    CHECK(FD_ISSET(p[0], &r) && FD_ISSET(closed, &r));
    CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
    struct timeval neg = {-1, 0};
    CHECK_ERR(select(0, NULL, NULL, NULL, &neg), EINVAL);

    // A high fd: the bit in the second word.
    CHECK_OK(dup2(p[0], 70));
    FD_ZERO(&r);
    FD_SET(70, &r);
    CHECK(select(71, &r, NULL, NULL, &tv) == 1 && FD_ISSET(70, &r));
    char c;
    CHECK(read(p[0], &c, 1) == 1);

    // Waiting out a timeout: 0, empty sets, the whole timeout used up.
    FD_ZERO(&r);
    FD_SET(70, &r);
    struct timespec ts = {0, 50 * 1000000};
    CHECK(raw_pselect(71, &r, NULL, NULL, &ts, NULL) == 0);
    CHECK(!FD_ISSET(70, &r));
    CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0, "left %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
#ifdef SYS_select
    tv = (struct timeval) {0, 40000};
    FD_SET(70, &r);
    CHECK(syscall(SYS_select, 71, &r, NULL, NULL, &tv) == 0);
    CHECK(tv.tv_sec == 0 && tv.tv_usec == 0, "left %ld.%06ld", (long)tv.tv_sec, (long)tv.tv_usec);
    // tv_usec of a million or more is whole seconds (Linux accepts it).
    tv = (struct timeval) {0, 1000000};
    CHECK(write(p[1], "y", 1) == 1);
    FD_SET(70, &r);
    CHECK(syscall(SYS_select, 71, &r, NULL, NULL, &tv) == 1);
    CHECK(tv.tv_sec == 0 && tv.tv_usec > 900000, "left %ld.%06ld", (long)tv.tv_sec, (long)tv.tv_usec);
    CHECK(read(p[0], &c, 1) == 1);
#endif
    // Ready at once: the time left is (nearly) all of it.
    ts = (struct timespec) {5, 0};
    FD_ZERO(&w);
    FD_SET(p[1], &w);
    CHECK(raw_pselect(p[1] + 1, NULL, &w, NULL, &ts, NULL) == 1);
    CHECK(ts.tv_sec == 4 && ts.tv_nsec > 900000000, "left %ld.%09ld", (long)ts.tv_sec, ts.tv_nsec);
    ts = (struct timespec) {0, 1000000000};
    CHECK(raw_pselect(0, NULL, NULL, NULL, &ts, NULL) == -1 && errno == EINVAL);

    // A closed pipe's read end is readable (EOF), its write end "ready" with POLLERR.
    CHECK_OK(close(p[1]));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    CHECK(select(p[0] + 1, &r, NULL, NULL, NULL) == 1 && FD_ISSET(p[0], &r));
    return 0;
}
