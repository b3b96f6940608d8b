// poll(2) on pipes and other files: readiness of each end (POLLIN with data, POLLOUT
// with room, POLLHUP once the writers are gone, POLLERR once the readers are), POLLHUP
// and POLLERR reported even when not asked for, negative fds skipped, bad fds POLLNVAL,
// regular files always ready, timeouts, and a blocked poll woken by another thread.
// SYSCALLS: poll, ppoll, pipe2, write, read, close
#include "lvtest.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long ms_since(const struct timespec* t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int wake_fd;
static void* writer(void* arg) {
    struct timespec d = {0, 100 * 1000000};
    nanosleep(&d, NULL);
    CHECK(write(wake_fd, "w", 1) == 1);
    return NULL;
}

int main(void) {
    int p[2];
    CHECK_OK(pipe(p));
    struct pollfd fds[2] = {{p[0], POLLIN | POLLOUT, 0}, {p[1], POLLIN | POLLOUT, 0}};

    // Empty pipe: the write end can be written, the read end has nothing.
    CHECK(poll(fds, 2, 0) == 1);
    CHECK(fds[0].revents == 0, "read end revents %#x", fds[0].revents);
    CHECK(fds[1].revents == POLLOUT, "write end revents %#x", fds[1].revents);

    // Data: the read end becomes readable.
    CHECK(write(p[1], "abc", 3) == 3);
    CHECK(poll(fds, 2, 0) == 2);
    CHECK(fds[0].revents == POLLIN, "read end revents %#x", fds[0].revents);

    // Only what was asked is reported...
    fds[0].events = POLLOUT;
    CHECK(poll(fds, 1, 0) == 0 && fds[0].revents == 0);
    // ...but POLLHUP comes unasked once the last writer is gone (POLLIN too while data is left).
    CHECK_OK(close(p[1]));
    fds[0].events = 0;
    CHECK(poll(fds, 1, 0) == 1);
    CHECK(fds[0].revents == POLLHUP, "revents %#x", fds[0].revents);
    fds[0].events = POLLIN;
    CHECK(poll(fds, 1, 0) == 1);
    CHECK(fds[0].revents == (POLLIN | POLLHUP), "revents %#x", fds[0].revents);
    char buf[8];
    CHECK(read(p[0], buf, sizeof buf) == 3);
    CHECK(poll(fds, 1, 0) == 1 && fds[0].revents == POLLHUP, "revents %#x", fds[0].revents);
    CHECK_OK(close(p[0]));

    // POLLERR on a write end without readers (still POLLOUT: a write does not block).
    CHECK_OK(pipe(p));
    CHECK_OK(close(p[0]));
    fds[0] = (struct pollfd) {p[1], POLLOUT, 0};
    CHECK(poll(fds, 1, 0) == 1 && fds[0].revents == (POLLOUT | POLLERR), "revents %#x", fds[0].revents);
    fds[0].events = 0;
    CHECK(poll(fds, 1, 0) == 1 && fds[0].revents == POLLERR, "revents %#x", fds[0].revents);
    CHECK_OK(close(p[1]));

    // Negative fds are skipped (revents 0); a closed fd is POLLNVAL and counts.
    fds[0] = (struct pollfd) {-1, POLLIN, 0x7f};
    fds[1] = (struct pollfd) {p[1], POLLIN, 0};
    CHECK(poll(fds, 2, 0) == 1);
    CHECK(fds[0].revents == 0, "negative fd revents %#x", fds[0].revents);
    CHECK(fds[1].revents == POLLNVAL, "closed fd revents %#x", fds[1].revents);

    // Regular files and /dev/null are always ready.
    int f = CHECK_OK(open("/dev/null", O_RDWR));
    fds[0] = (struct pollfd) {f, POLLIN | POLLOUT | POLLPRI, 0};
    CHECK(poll(fds, 1, -1) == 1 && fds[0].revents == (POLLIN | POLLOUT), "revents %#x", fds[0].revents);
    CHECK_OK(close(f));
    f = CHECK_OK(open("/proc/self/exe", O_RDONLY));
    fds[0] = (struct pollfd) {f, POLLIN, 0};
    CHECK(poll(fds, 1, -1) == 1 && fds[0].revents == POLLIN, "revents %#x", fds[0].revents);
    CHECK_OK(close(f));

    // A timeout with nothing ready: 0 after at least that long.
    CHECK_OK(pipe(p));
    fds[0] = (struct pollfd) {p[0], POLLIN, 0};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(poll(fds, 1, 60) == 0);
    long took = ms_since(&t0);
    CHECK(took >= 59 && took < 2000, "poll(60 ms) took %ld ms", took);

    // No fds at all: a plain sleep.
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(poll(NULL, 0, 30) == 0);
    CHECK(ms_since(&t0) >= 29);

    // Blocked with no timeout until another thread writes.
    wake_fd = p[1];
    pthread_t th;
    CHECK(pthread_create(&th, NULL, writer, NULL) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(poll(fds, 1, -1) == 1 && fds[0].revents == POLLIN);
    took = ms_since(&t0);
    CHECK(took >= 50, "woke after %ld ms, before the write", took);
    CHECK(pthread_join(th, NULL) == 0);

    // The same pipe twice in one call: both entries report.
    struct pollfd two[2] = {{p[0], POLLIN, 0}, {p[0], POLLIN, 0}};
    CHECK(poll(two, 2, 0) == 2 && two[0].revents == POLLIN && two[1].revents == POLLIN);

    // More entries than RLIMIT_NOFILE: EINVAL. A bad array: EFAULT.
    struct rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
    // (A whole array of them: qemu-aarch64 copies it before the kernel sees nfds.)
    struct pollfd* many = calloc(rl.rlim_cur + 1, sizeof *many);
    CHECK(many);
    for (rlim_t i = 0; i <= rl.rlim_cur; i++) many[i].fd = -1;
    CHECK_ERR(poll(many, rl.rlim_cur + 1, 0), EINVAL);
    CHECK(poll(many, rl.rlim_cur, 0) == 0);
    free(many);
    volatile uintptr_t bad = 8;
    CHECK_ERR(poll((struct pollfd*)bad, 1, 0), EFAULT);
    return 0;
}
