// Terminal ioctls: on a terminal TCGETS and TIOCGWINSZ work; on anything else they fail
// with ENOTTY, as isatty() reports; a bad fd is EBADF.
// SYSCALLS: ioctl
#include "lvtest.h"
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static void check_fd(int fd) {
    struct termios t;
    struct winsize ws;
    errno = 0;
    int tty = isatty(fd);
    if (tty) {
        CHECK_OK(ioctl(fd, TCGETS, &t));
        CHECK_OK(ioctl(fd, TIOCGWINSZ, &ws));
        CHECK_OK(ioctl(fd, TCSETS, &t)); // setting what we read back is harmless
        CHECK_ERR(ioctl(fd, 0x54ff, 0), ENOTTY); // an unknown tty request
    } else {
        CHECK(errno == ENOTTY || errno == EINVAL, "isatty(%d) errno %d", fd, errno);
        CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
        CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
    }
}

int main(void) {
    for (int fd = 0; fd < 3; fd++) check_fd(fd);
    CHECK_ERR(ioctl(-1, TCGETS, NULL), EBADF);
    CHECK_ERR(ioctl(1000, TCGETS, NULL), EBADF);
    return 0;
}
