// File descriptors: dup/dup2/dup3, fcntl (F_DUPFD*, F_GETFD/SETFD, F_GETFL/SETFL,
// F_GETLK/SETLK), close_range, ioctl on non-ttys, pipes (EOF, EPIPE,
// O_NONBLOCK, F_GETPIPE_SZ, FIONREAD), the fd limit.
// SYSCALLS: dup, dup2, dup3, fcntl, close_range, ioctl, pipe2, close
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

int main(void) {
    char path[] = "/tmp/fsfdXXXXXX";
    int fd = CHECK_OK(mkstemp(path));
    CHECK_OK(unlink(path));
    CHECK_OK(write(fd, "abcdef", 6));

    // dup shares the file position.
    int d = CHECK_OK(dup(fd));
    CHECK(d > fd);
    CHECK_OK(lseek(fd, 2, SEEK_SET));
    CHECK(lseek(d, 0, SEEK_CUR) == 2);
    CHECK_ERR(dup(-1), EBADF);
    CHECK_ERR(dup(1000), EBADF);

    CHECK(dup2(fd, 50) == 50);
    CHECK(dup2(50, 50) == 50);
    CHECK_ERR(dup2(77, 77), EBADF);
    CHECK_ERR(dup2(fd, -1), EBADF);
    CHECK(dup3(fd, 51, O_CLOEXEC) == 51);
    CHECK(fcntl(51, F_GETFD) == FD_CLOEXEC);
    CHECK(fcntl(50, F_GETFD) == 0);
    CHECK_ERR(dup3(fd, fd, 0), EINVAL);
    CHECK_ERR(syscall(SYS_dup3, fd, 52, O_NONBLOCK), EINVAL); // musl would emulate it

    // fcntl.
    CHECK(fcntl(fd, F_DUPFD, 60) == 60);
    CHECK(fcntl(fd, F_DUPFD, 60) == 61);
    int c = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    CHECK(c >= 0 && fcntl(c, F_GETFD) == FD_CLOEXEC);
    CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
    CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK(fcntl(d, F_GETFD) == 0); // the flag is per descriptor
    int fl = fcntl(fd, F_GETFL);
    CHECK((fl & O_ACCMODE) == O_RDWR);
    CHECK_OK(fcntl(fd, F_SETFL, fl | O_APPEND | O_NONBLOCK));
    CHECK(fcntl(d, F_GETFL) & O_APPEND); // status flags are per open file
    CHECK_OK(fcntl(fd, F_SETFL, (fl & ~O_APPEND) | O_RDONLY)); // the access mode cannot change
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    CHECK_ERR(fcntl(fd, 9999), EINVAL);
    CHECK_ERR(fcntl(1000, F_GETFD), EBADF);
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK_OK(fcntl(fd, F_GETLK, &lk));
    CHECK(lk.l_type == F_UNLCK);
    lk.l_type = F_WRLCK;
    CHECK_OK(fcntl(fd, F_SETLK, &lk));
    lk.l_type = F_UNLCK;
    CHECK_OK(fcntl(fd, F_SETLK, &lk));
    lk.l_type = 42;
    CHECK_ERR(fcntl(fd, F_SETLK, &lk), EINVAL);

    // ioctl on a regular file: FIONREAD works, tty requests are ENOTTY.
    int avail = -1;
    CHECK_OK(lseek(fd, 1, SEEK_SET));
    CHECK_OK(ioctl(fd, FIONREAD, &avail));
    CHECK(avail == 5, "%d", avail);
    struct termios t;
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
    CHECK_ERR(ioctl(fd, TIOCGWINSZ, &t), ENOTTY);
    CHECK(!isatty(fd));
    CHECK_ERR(ioctl(1000, FIONREAD, &avail), EBADF);
    int on = 1;
    CHECK_OK(ioctl(d, FIONBIO, &on));
    CHECK(fcntl(d, F_GETFL) & O_NONBLOCK);
    CHECK_OK(ioctl(d, FIOCLEX));
    CHECK(fcntl(d, F_GETFD) == FD_CLOEXEC);

    // close_range.
    CHECK_OK(syscall(SYS_close_range, 60, 61, 0));
    CHECK_ERR(fcntl(60, F_GETFD), EBADF);
    CHECK_OK(syscall(SYS_close_range, 50, 51, 4 /* CLOSE_RANGE_CLOEXEC */));
    CHECK(fcntl(50, F_GETFD) == FD_CLOEXEC);
    CHECK_ERR(syscall(SYS_close_range, 5, 4, 0), EINVAL);
    CHECK_OK(syscall(SYS_close_range, 50, ~0u, 0));
    CHECK_ERR(fcntl(51, F_GETFD), EBADF);

    // Pipes.
    int p[2];
    CHECK_OK(pipe2(p, O_NONBLOCK | O_CLOEXEC));
    CHECK(fcntl(p[0], F_GETFD) == FD_CLOEXEC && (fcntl(p[1], F_GETFL) & O_NONBLOCK));
    CHECK((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY && (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
    char buf[128];
    CHECK_ERR(read(p[0], buf, sizeof buf), EAGAIN);
    CHECK_ERR(write(p[0], "x", 1), EBADF);
    CHECK_ERR(read(p[1], buf, 1), EBADF);
    CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE);
    CHECK(fcntl(p[0], F_GETPIPE_SZ) == 65536);
    CHECK(write(p[1], "hello", 5) == 5);
    CHECK_OK(ioctl(p[0], FIONREAD, &avail));
    CHECK(avail == 5);
    CHECK(read(p[0], buf, 2) == 2 && read(p[0], buf, sizeof buf) == 3);
    struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
    CHECK(writev(p[1], iov, 3) == 5);
    CHECK(read(p[0], buf, sizeof buf) == 5 && memcmp(buf, "abcde", 5) == 0);
    // Fill it: 64 KiB, then EAGAIN.
    static char chunk[4096];
    long total = 0;
    for (;;) {
        ssize_t n = write(p[1], chunk, sizeof chunk);
        if (n < 0) {
            CHECK(errno == EAGAIN);
            break;
        }
        total += n;
    }
    CHECK(total == 65536, "%ld", total);
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096) < 0 && errno == EBUSY);
    CHECK_OK(close(p[1]));
    while (read(p[0], chunk, sizeof chunk) > 0) {}
    CHECK(read(p[0], buf, 1) == 0); // EOF once the writer is gone
    CHECK_OK(close(p[0]));
    CHECK_ERR(pipe2(p, O_RDWR), EINVAL);

    // EPIPE once the reader is gone (SIGPIPE ignored here; fs_sigpipe.c checks it).
    signal(SIGPIPE, SIG_IGN);
    CHECK_OK(pipe(p));
    CHECK_OK(close(p[0]));
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK_OK(close(p[1]));

    // The descriptor limit (RLIMIT_NOFILE, 1024 by default in both).
    struct rlimit rl;
    CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
    if (rl.rlim_cur == 1024) {
        int last = -1;
        for (;;) {
            int n = dup(0);
            if (n < 0) {
                CHECK(errno == EMFILE);
                break;
            }
            last = n;
        }
        CHECK(last == 1023, "%d", last);
        CHECK_ERR(dup2(0, 1024), EBADF);
        CHECK_ERR(fcntl(0, F_DUPFD, 1024), EINVAL);
        CHECK_OK(syscall(SYS_close_range, 3, ~0u, 0));
    }

    // Lowering RLIMIT_NOFILE limits new descriptors; raising it allows more.
    struct rlimit low = {20, rl.rlim_max};
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &low));
    CHECK_ERR(dup2(0, 20), EBADF);
    CHECK_ERR(fcntl(0, F_DUPFD, 20), EINVAL);
    CHECK(dup2(0, 19) == 19);
    CHECK_OK(close(19));
    if (rl.rlim_max >= 2000) {
        struct rlimit high = {2000, rl.rlim_max};
        CHECK_OK(setrlimit(RLIMIT_NOFILE, &high));
        CHECK(dup2(0, 1500) == 1500);
        CHECK(fcntl(0, F_DUPFD, 1600) == 1600);
        CHECK_OK(close(1500));
        CHECK_OK(close(1600));
    }
    CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
    return 0;
}
