// eventfd(2): reads take the whole count (semaphore mode: one), block at zero (EAGAIN
// when non-blocking), writes add and block before the count would pass
// 0xfffffffffffffffe; 8-byte buffers at least (EINVAL), a written ULLONG_MAX is EINVAL;
// poll readiness follows the count; flags and EFD_CLOEXEC.
// SYSCALLS: eventfd2, eventfd, read, write, poll, fcntl
#include "lvtest.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

static int efd;
static void* add_later(void* arg) {
    struct timespec d = {0, 50 * 1000000};
    nanosleep(&d, NULL);
    uint64_t v = 5;
    CHECK(write(efd, &v, 8) == 8);
    return NULL;
}

int main(void) {
    uint64_t v;
    int fd = CHECK_OK(eventfd(3, 0));
    CHECK(fcntl(fd, F_GETFD) == 0);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    CHECK(read(fd, &v, 8) == 8 && v == 3);
    // Sums, and a read takes it all.
    v = 10;
    CHECK(write(fd, &v, 8) == 8);
    CHECK(write(fd, &v, 8) == 8);
    CHECK(read(fd, &v, 16) == 8 && v == 20, "read %llu", (unsigned long long)v);
    // Short buffers and ULLONG_MAX.
    CHECK_ERR(read(fd, &v, 7), EINVAL);
    CHECK_ERR(write(fd, &v, 4), EINVAL);
    v = UINT64_MAX;
    CHECK_ERR(write(fd, &v, 8), EINVAL);
    CHECK_OK(close(fd));

    // Non-blocking: EAGAIN at both ends of the range.
    fd = CHECK_OK(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
    CHECK_ERR(read(fd, &v, 8), EAGAIN);
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "revents %#x", p.revents);
    v = UINT64_MAX - 1;
    CHECK(write(fd, &v, 8) == 8);
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN, "full: revents %#x", p.revents);
    v = 1;
    CHECK_ERR(write(fd, &v, 8), EAGAIN);
    v = 0; // adding nothing always fits
    CHECK(write(fd, &v, 8) == 8);
    CHECK(read(fd, &v, 8) == 8 && v == UINT64_MAX - 1);
    CHECK_OK(close(fd));

    // Semaphore mode: one at a time.
    fd = CHECK_OK(eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK));
    CHECK(read(fd, &v, 8) == 8 && v == 1);
    CHECK(read(fd, &v, 8) == 8 && v == 1);
    CHECK_ERR(read(fd, &v, 8), EAGAIN);
    CHECK_OK(close(fd));

    // A blocking read waits for a write from another thread.
    efd = CHECK_OK(eventfd(0, 0));
    pthread_t t;
    CHECK(pthread_create(&t, NULL, add_later, NULL) == 0);
    CHECK(read(efd, &v, 8) == 8 && v == 5);
    CHECK(pthread_join(t, NULL) == 0);

    CHECK_ERR(eventfd(0, O_APPEND), EINVAL);
#ifdef SYS_eventfd
    fd = CHECK_OK(syscall(SYS_eventfd, 7));
    CHECK(read(fd, &v, 8) == 8 && v == 7);
#endif
    return 0;
}
