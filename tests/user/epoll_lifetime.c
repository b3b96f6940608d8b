// epoll registrations belong to the open file description, not to the fd: after
// close(fd) a dup keeps it alive (still reported under the old fd's data; EPOLL_CTL_DEL
// through the closed fd is EBADF); closing the last fd ends it, and the epoll holds no
// reference (the pipe's other end sees it closed). The same file under two fds is two
// registrations. A forked child shares the epoll.
// SYSCALLS: epoll_create1, epoll_ctl, epoll_wait, dup, close, fork, wait4
#include "lvtest.h"
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int ep = CHECK_OK(epoll_create1(0));
    int p[2];
    CHECK_OK(pipe(p));
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    struct epoll_event out[4];

    // Two fds on one file: two registrations.
    int d = CHECK_OK(dup(p[0]));
    ev.data.fd = d;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, d, &ev));
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 2);
    CHECK((out[0].data.fd == p[0] && out[1].data.fd == d) || (out[0].data.fd == d && out[1].data.fd == p[0]));

    // Closing one fd ends neither registration: the file is still open through the dup.
    int old = p[0];
    CHECK_OK(close(p[0]));
    CHECK(epoll_wait(ep, out, 4, 0) == 2);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, old, NULL), EBADF);
    // Closing the last fd ends both, and nothing holds the read end open any more.
    CHECK_OK(close(d));
    CHECK(epoll_wait(ep, out, 4, 0) == 0);
    CHECK_ERR(write(p[1], "y", 1), EPIPE);
    CHECK_OK(close(p[1]));

    // Closing the epoll with live registrations, then the files: nothing left behind.
    int ep2 = CHECK_OK(epoll_create1(0));
    CHECK_OK(pipe(p));
    ev.data.fd = p[0];
    CHECK_OK(epoll_ctl(ep2, EPOLL_CTL_ADD, p[0], &ev));
    CHECK_OK(epoll_ctl(ep2, EPOLL_CTL_ADD, p[1], &ev));
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev));
    CHECK_OK(close(ep2));
    CHECK(write(p[1], "z", 1) == 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 0, "the closed inner epoll is gone from the outer one");

    // A forked child waits on the same epoll and sees what the parent registered.
    ev.data.fd = p[0];
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    pid_t c = CHECK_OK(fork());
    if (c == 0) {
        int n = epoll_wait(ep, out, 4, 1000);
        _exit(n == 1 && out[0].data.fd == p[0] ? 0 : 1);
    }
    int st;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    // The child's exit closed its copies: the parent's registration is untouched.
    CHECK(epoll_wait(ep, out, 4, 0) == 1);
    return 0;
}
