// Garbage collection of AF_UNIX sockets that only in-flight SCM_RIGHTS messages keep
// alive: two sockets sent through each other (and a pipe's write end with them), then
// closed, can never be received from again; the collector (run when a socket is
// released) frees them, and the pipe's reader sees EOF. A socket still reachable from
// an open descriptor is left alone.
// SYSCALLS: socketpair, sendmsg, recvmsg, poll
#define _GNU_SOURCE
#include "lvsock.h"
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

// Releasing any AF_UNIX socket runs the collector (Linux may run it a little later).
static void trigger(void) { close(CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0))); }

static int hung_up_within(int fd, int ms) {
    for (int waited = 0; waited < ms; waited += 50) {
        trigger();
        struct pollfd p = {fd, POLLIN, 0};
        CHECK(poll(&p, 1, 50) >= 0);
        if (p.revents & POLLHUP) return 1;
    }
    return 0;
}

int main(void) {
    for (int type = SOCK_STREAM; type <= SOCK_DGRAM; type++) {
        int sv[2], p[2];
        CHECK_OK(socketpair(AF_UNIX, type, 0, sv));
        CHECK_OK(pipe(p));
        int first[2] = {sv[0], p[1]};
        lv_send_fds(sv[0], first, 2); // into sv[1]'s queue
        lv_send_fds(sv[1], &sv[1], 1); // into sv[0]'s queue
        close(sv[0]);
        close(sv[1]);
        close(p[1]);
        CHECK(hung_up_within(p[0], 10000), "type %d: the cycle was not collected", type);
        close(p[0]);
    }

    // Reachable: the same cycle, but one socket stays open here. Nothing is freed, and
    // the files can still be received.
    int sv[2], p[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_OK(pipe(p));
    int first[2] = {sv[0], p[1]};
    lv_send_fds(sv[0], first, 2);
    lv_send_fds(sv[1], &sv[1], 1);
    close(sv[0]);
    close(p[1]);
    CHECK(!hung_up_within(p[0], 300));
    union {
        char buf[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } u;
    char b;
    struct iovec iov = {&b, 1};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    CHECK(recvmsg(sv[1], &m, 0) == 1);
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    CHECK(c && c->cmsg_len == CMSG_LEN(2 * sizeof(int)));
    int got[2];
    memcpy(got, CMSG_DATA(c), sizeof got);
    CHECK(write(got[1], "!", 1) == 1);
    char buf[4];
    CHECK(read(p[0], buf, sizeof buf) == 1);
    close(got[0]);
    close(got[1]);
    close(sv[1]); // now the rest is garbage
    CHECK(hung_up_within(p[0], 10000));
    close(p[0]);
    return 0;
}
