// SO_TIMESTAMP and SO_TIMESTAMPNS on AF_UNIX datagram and seqpacket sockets: each
// message comes with SCM_TIMESTAMP (struct timeval) or SCM_TIMESTAMPNS (struct
// timespec) of its arrival, ahead of SCM_CREDENTIALS; the options read back as set.
// Stream sockets do not stamp.
// HOST-QEMU-SKIP: qemu-aarch64 does not emulate SO_TIMESTAMPNS (ENOPROTOOPT)
// SYSCALLS: socketpair, setsockopt, getsockopt, recvmsg
#define _GNU_SOURCE
#include "lvtest.h"
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int get_int(int s, int opt) {
    int v = -1;
    socklen_t len = sizeof v;
    CHECK_OK(getsockopt(s, SOL_SOCKET, opt, &v, &len));
    return v;
}

static double real_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

// Receives one message; returns the time in its timestamp (0 without one) and the
// type of the control message that followed it (0 if none).
static double receive(int s, int* stamp_type, int* next_type) {
    union {
        char buf[256];
        struct cmsghdr align;
    } u;
    char b[16];
    struct iovec iov = {b, sizeof b};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    CHECK(recvmsg(s, &m, 0) >= 0);
    *stamp_type = *next_type = 0;
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    if (!c) return 0;
    CHECK(c->cmsg_level == SOL_SOCKET);
    double t = 0;
    if (c->cmsg_type == SCM_TIMESTAMP) {
        CHECK(c->cmsg_len == CMSG_LEN(sizeof(struct timeval)));
        struct timeval tv;
        memcpy(&tv, CMSG_DATA(c), sizeof tv);
        CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
        t = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
    } else if (c->cmsg_type == SCM_TIMESTAMPNS) {
        CHECK(c->cmsg_len == CMSG_LEN(sizeof(struct timespec)));
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(c), sizeof ts);
        CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
        t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    } else {
        *next_type = c->cmsg_type;
        return 0;
    }
    *stamp_type = c->cmsg_type;
    struct cmsghdr* n = CMSG_NXTHDR(&m, c);
    if (n) *next_type = n->cmsg_type;
    return t;
}

int main(void) {
    for (int type = SOCK_DGRAM; type <= SOCK_SEQPACKET; type += SOCK_SEQPACKET - SOCK_DGRAM) {
        int sv[2], on = 1, st, next;
        CHECK_OK(socketpair(AF_UNIX, type, 0, sv));
        CHECK(get_int(sv[1], SO_TIMESTAMP) == 0);
        CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on));
        CHECK(get_int(sv[1], SO_TIMESTAMP) == 1 && get_int(sv[1], SO_TIMESTAMPNS) == 0);
        double before = real_now();
        CHECK(send(sv[0], "a", 1, 0) == 1);
        double after = real_now();
        double t = receive(sv[1], &st, &next);
        CHECK(st == SCM_TIMESTAMP && next == 0, "type %d next %d", st, next);
        CHECK(t >= before - 0.001 && t <= after + 0.001, "%.6f not in [%.6f, %.6f]", t, before, after);

        CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on));
        CHECK(get_int(sv[1], SO_TIMESTAMP) == 0 && get_int(sv[1], SO_TIMESTAMPNS) == 1);
        CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
        before = real_now();
        CHECK(send(sv[0], "b", 1, 0) == 1);
        after = real_now();
        t = receive(sv[1], &st, &next);
        CHECK(st == SCM_TIMESTAMPNS && next == SCM_CREDENTIALS, "type %d next %d", st, next);
        CHECK(t >= before - 0.001 && t <= after + 0.001);

        int off = 0;
        CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_TIMESTAMPNS, &off, sizeof off));
        CHECK(get_int(sv[1], SO_TIMESTAMP) == 0 && get_int(sv[1], SO_TIMESTAMPNS) == 0);
        CHECK(send(sv[0], "c", 1, 0) == 1);
        receive(sv[1], &st, &next);
        CHECK(st == 0 && next == SCM_CREDENTIALS);
        close(sv[0]);
        close(sv[1]);
    }
    // Streams carry no timestamps.
    int sv[2], on = 1, st, next;
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on));
    CHECK(send(sv[0], "s", 1, 0) == 1);
    receive(sv[1], &st, &next);
    CHECK(st == 0 && next == 0);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
