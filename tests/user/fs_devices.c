// The memory devices (/dev/null, zero, full, urandom), /dev/tmp-like basics, FIFOs
// (open with O_NONBLOCK), and /proc/self basics.
// SYSCALLS: openat, read, write, readlinkat, newfstatat, mknodat
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int main(void) {
    char buf[256];
    struct stat st;

    int fd = CHECK_OK(open("/dev/null", O_RDWR));
    CHECK(read(fd, buf, sizeof buf) == 0);
    CHECK(write(fd, buf, sizeof buf) == sizeof buf);
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3);
    CHECK_OK(close(fd));

    fd = CHECK_OK(open("/dev/zero", O_RDONLY));
    memset(buf, 'x', sizeof buf);
    CHECK(read(fd, buf, sizeof buf) == sizeof buf);
    for (unsigned i = 0; i < sizeof buf; i++) CHECK(buf[i] == 0);
    CHECK_OK(close(fd));

    fd = CHECK_OK(open("/dev/full", O_WRONLY));
    CHECK_ERR(write(fd, "x", 1), ENOSPC);
    CHECK_OK(close(fd));

    fd = CHECK_OK(open("/dev/urandom", O_RDONLY));
    unsigned char r1[64], r2[64];
    CHECK(read(fd, r1, sizeof r1) == sizeof r1);
    CHECK(read(fd, r2, sizeof r2) == sizeof r2);
    CHECK(memcmp(r1, r2, sizeof r1) != 0);
    CHECK_OK(close(fd));

    CHECK_OK(stat("/tmp", &st));
    CHECK(S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777, "%o", st.st_mode);

    // A FIFO: O_NONBLOCK readers open at once; writers without a reader get ENXIO.
    char dir[] = "/tmp/fsdevXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chdir(dir));
    CHECK_OK(mkfifo("fifo", 0600));
    CHECK_ERR(open("fifo", O_WRONLY | O_NONBLOCK), ENXIO);
    int r = CHECK_OK(open("fifo", O_RDONLY | O_NONBLOCK));
    int w = CHECK_OK(open("fifo", O_WRONLY | O_NONBLOCK));
    CHECK(write(w, "fifo!", 5) == 5);
    CHECK(read(r, buf, sizeof buf) == 5 && memcmp(buf, "fifo!", 5) == 0);
    CHECK_ERR(read(r, buf, sizeof buf), EAGAIN);
    CHECK_OK(close(w));
    CHECK(read(r, buf, sizeof buf) == 0);
    CHECK_OK(close(r));
    int rw = CHECK_OK(open("fifo", O_RDWR)); // never blocks
    CHECK_OK(close(rw));

    // /proc/self.
    CHECK(readlink("/proc/self", buf, sizeof buf) > 0);
    buf[readlink("/proc/self", buf, sizeof buf - 1)] = 0;
    CHECK(atoi(buf) == getpid(), "%s", buf);
    int dfd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", dfd);
    ssize_t n = CHECK_OK(readlink(link, target, sizeof target - 1));
    target[n] = 0;
    CHECK(strcmp(target, dir) == 0, "%s", target);
    CHECK_OK(stat(link, &st));
    CHECK(S_ISDIR(st.st_mode));
    n = CHECK_OK(readlink("/proc/self/cwd", target, sizeof target - 1));
    target[n] = 0;
    CHECK(strcmp(target, dir) == 0, "%s", target);
    CHECK_OK(access("/proc/self/exe", X_OK));
    CHECK_OK(close(dfd));
    // A regular file shows the name it was opened by, and " (deleted)" once unlinked.
    int ffd = CHECK_OK(open("plain", O_RDWR | O_CREAT, 0644));
    snprintf(link, sizeof link, "/proc/self/fd/%d", ffd);
    n = CHECK_OK(readlink(link, target, sizeof target - 1));
    target[n] = 0;
    char want[PATH_MAX];
    snprintf(want, sizeof want, "%s/plain", dir);
    CHECK(strcmp(target, want) == 0, "%s", target);
    CHECK_OK(unlink("plain"));
    n = CHECK_OK(readlink(link, target, sizeof target - 1));
    target[n] = 0;
    strcat(want, " (deleted)");
    CHECK(strcmp(target, want) == 0, "%s", target);
    // Reopening through /proc/self/fd reaches the same (unlinked) file.
    CHECK(write(ffd, "abc", 3) == 3);
    int again = CHECK_OK(open(link, O_RDONLY));
    CHECK(read(again, buf, sizeof buf) == 3);
    CHECK_OK(close(again));
    CHECK_OK(close(ffd));

    CHECK_OK(unlink("fifo"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
