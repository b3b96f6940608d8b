// The console tty behind fds 0-2: termios round trips, window size, process group,
// ESPIPE; on a non-tty stdin (host runs feed a pipe) the same requests are ENOTTY.
// SYSCALLS: ioctl, lseek, newfstatat, openat
#include "lvtest.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

int main(void) {
    struct termios t, t2;
    struct winsize ws;
    if (!isatty(0)) {
        CHECK(errno == ENOTTY || errno == EINVAL, "%d", errno);
        CHECK_ERR(ioctl(0, TCGETS, &t), ENOTTY);
        CHECK_ERR(ioctl(0, TIOCGWINSZ, &ws), ENOTTY);
        return 0;
    }
    struct stat st;
    CHECK_OK(fstat(0, &st));
    CHECK(S_ISCHR(st.st_mode));
    CHECK_ERR(lseek(0, 0, SEEK_SET), ESPIPE);
    CHECK(isatty(1) && isatty(2));

    CHECK_OK(tcgetattr(0, &t));
    CHECK(t.c_lflag & ICANON);
    t2 = t;
    t2.c_lflag &= ~(ICANON | ECHO);
    t2.c_cc[VMIN] = 0;
    CHECK_OK(tcsetattr(0, TCSANOW, &t2));
    struct termios back;
    CHECK_OK(tcgetattr(0, &back));
    CHECK(!(back.c_lflag & (ICANON | ECHO)) && back.c_cc[VMIN] == 0);
    CHECK_OK(tcsetattr(0, TCSAFLUSH, &t));
    CHECK_OK(tcgetattr(0, &back));
    CHECK(back.c_lflag & ICANON);

    CHECK_OK(ioctl(0, TIOCGWINSZ, &ws));
    CHECK(ws.ws_row > 0 && ws.ws_col > 0);
    struct winsize big = {50, 132, 0, 0};
    CHECK_OK(ioctl(0, TIOCSWINSZ, &big));
    CHECK_OK(ioctl(1, TIOCGWINSZ, &ws));
    CHECK(ws.ws_row == 50 && ws.ws_col == 132);

    pid_t pg = tcgetpgrp(0);
    CHECK(pg > 0, "%d", (int)pg);
    int n = -1;
    CHECK_OK(ioctl(0, FIONREAD, &n));
    CHECK(n >= 0);
    CHECK_ERR(ioctl(0, 0x5499, &n), ENOTTY);

    int fd = open("/dev/tty", O_RDWR);
    if (fd >= 0) {
        CHECK(isatty(fd));
        CHECK_OK(close(fd));
    }
    return 0;
}
