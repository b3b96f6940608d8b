// RLIMIT_NOFILE is honoured up to fs.nr_open (/proc/sys/fs/nr_open): raised to 20000,
// fds up to 19999 work (dup2, F_DUPFD, open, pselect6 over them), 20000 is EBADF for
// dup2 and EINVAL for F_DUPFD, and a full table is EMFILE for open, dup, F_DUPFD and
// pipe. Lowering the limit below open fds is allowed (they stay open); raising the hard
// limit past nr_open is EPERM even for root, and needs privilege at all.
// Runs as root (CI does).
// SYSCALLS: prlimit64, openat, dup, dup3, fcntl, pipe2, pselect6, close
// HOST-QEMU-SKIP: qemu-aarch64 converts pselect6 sets to its own fd_set (FD_SETSIZE 1024) and aborts on fd 19999
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LIMIT 20000

static long read_nr_open(void) {
    int fd = CHECK_OK(open("/proc/sys/fs/nr_open", O_RDONLY));
    char buf[32] = {0};
    CHECK(read(fd, buf, sizeof buf - 1) > 0);
    close(fd);
    return atol(buf);
}

static void set_nofile(rlim_t cur, rlim_t max) {
    struct rlimit r = {cur, max};
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &r));
}

int main(void) {
    CHECK(geteuid() == 0, "runs as root");
    long nr_open = read_nr_open();
    // Linux's default is 1048576; systemd raises it on some hosts.
    CHECK(nr_open >= 1048576, "nr_open is %ld", nr_open);

    struct rlimit too_big = {1024, (rlim_t)nr_open + 1};
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &too_big), EPERM);
    struct rlimit inverted = {LIMIT + 1, LIMIT};
    CHECK_ERR(setrlimit(RLIMIT_NOFILE, &inverted), EINVAL);
    set_nofile(LIMIT, LIMIT);
    struct rlimit got;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &got));
    CHECK(got.rlim_cur == LIMIT && got.rlim_max == LIMIT);

    // The top fd works; one past it does not.
    CHECK(dup2(0, LIMIT - 1) == LIMIT - 1);
    CHECK(fcntl(LIMIT - 1, F_GETFD) == 0);
    CHECK_ERR(dup2(0, LIMIT), EBADF);
    CHECK_ERR(dup3(0, LIMIT + 5, O_CLOEXEC), EBADF);
    CHECK_ERR(fcntl(0, F_DUPFD, LIMIT), EINVAL);
    CHECK_ERR(fcntl(0, F_DUPFD, LIMIT - 1), EMFILE); // the only candidate is taken
    CHECK(fcntl(0, F_DUPFD_CLOEXEC, LIMIT - 2) == LIMIT - 2);
    CHECK(fcntl(LIMIT - 2, F_GETFD) == FD_CLOEXEC);
    CHECK_OK(close(LIMIT - 2));

    // A pipe at the top of the table, seen by pselect6 over all 20000 fds.
    int p[2];
    CHECK_OK(pipe(p));
    CHECK(dup2(p[1], LIMIT - 1) == LIMIT - 1);
    CHECK(write(LIMIT - 1, "x", 1) == 1);
    CHECK(dup2(p[0], LIMIT - 3) == LIMIT - 3);
    static unsigned long rset[LIMIT / (8 * sizeof(unsigned long)) + 1], wset[sizeof rset / sizeof rset[0]];
    const int bits = 8 * sizeof(unsigned long);
    rset[(LIMIT - 3) / bits] |= 1ul << ((LIMIT - 3) % bits);
    wset[(LIMIT - 1) / bits] |= 1ul << ((LIMIT - 1) % bits);
    struct timespec zero = {0, 0};
    long n = syscall(SYS_pselect6, LIMIT, rset, wset, NULL, &zero, NULL);
    CHECK(n == 2, "pselect6 over %d fds gave %ld", LIMIT, n);
    CHECK(rset[(LIMIT - 3) / bits] & (1ul << ((LIMIT - 3) % bits)));
    CHECK(wset[(LIMIT - 1) / bits] & (1ul << ((LIMIT - 1) % bits)));
    CHECK_OK(close(p[0]));
    CHECK_OK(close(p[1]));
    CHECK_OK(close(LIMIT - 3));

    // Fill the table: every free fd below the limit, lowest first.
    int first = -1, last = -1, opened = 0;
    for (;;) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0) {
            CHECK(errno == EMFILE, "open number %d failed with errno %d (%s)", opened + 1, errno, strerror(errno));
            break;
        }
        if (first < 0) first = fd;
        CHECK(fd > last, "fds come lowest first (%d after %d)", fd, last);
        last = fd;
        opened++;
        CHECK(opened <= LIMIT, "more fds than the limit");
    }
    CHECK(last == LIMIT - 2, "the last fd opened is %d", last);
    CHECK(opened > LIMIT - 64, "only %d opens worked", opened);
    CHECK_ERR(dup(0), EMFILE);
    CHECK_ERR(fcntl(0, F_DUPFD, 0), EMFILE);
    CHECK_ERR(pipe(p), EMFILE);
    CHECK_OK(close(12345));
    CHECK(open("/dev/null", O_RDONLY) == 12345, "a freed fd is reused");
    CHECK_OK(close(first + 1));
    CHECK_OK(close(LIMIT - 5));
    CHECK(dup(0) == first + 1, "the lowest free fd comes first");
    CHECK(dup(0) == LIMIT - 5);
    CHECK_ERR(dup(0), EMFILE);

    // Lowering the limit below open fds: allowed, they stay open, new ones obey it.
    set_nofile(100, LIMIT);
    CHECK(fcntl(LIMIT - 1, F_GETFD) == 0, "fd %d stays open", LIMIT - 1);
    CHECK_ERR(dup2(0, 150), EBADF);
    CHECK_ERR(dup2(0, LIMIT - 1), EBADF); // dup2 onto an open fd past the limit, too
    CHECK_ERR(open("/dev/null", O_RDONLY), EMFILE);
    CHECK_OK(close(50));
    CHECK(open("/dev/null", O_RDONLY) == 50);
    CHECK_OK(close(LIMIT - 1)); // closing past the limit works

    // Without privilege the hard limit only goes down.
    pid_t pid = CHECK_OK(fork());
    if (pid == 0) {
        CHECK_OK(setuid(65534));
        struct rlimit up = {100, LIMIT + 1};
        CHECK_ERR(setrlimit(RLIMIT_NOFILE, &up), EPERM);
        set_nofile(100, 200);
        struct rlimit back = {100, LIMIT};
        CHECK_ERR(setrlimit(RLIMIT_NOFILE, &back), EPERM);
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
    puts("rlimit_nofile ok");
    return 0;
}
