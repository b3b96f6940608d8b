// AF_UNIX datagrams between named sockets: sendto/recvfrom with addresses (an
// unnamed sender reports an empty address), connect as a default destination and a
// filter (EPERM for others), AF_UNSPEC to disconnect, MSG_PEEK, MSG_TRUNC (in and
// out), EMSGSIZE, the receive queue limit for senders it is not connected back to
// (EAGAIN), ECONNREFUSED once the connected peer is gone, recvmsg's msg_flags.
// SYSCALLS: socket, bind, connect, sendto, recvfrom, sendmsg, recvmsg, getsockopt
#define _GNU_SOURCE
#include "lvtest.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t make_addr(struct sockaddr_un* a, const char* path) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static int bound(const char* path) {
    struct sockaddr_un a;
    socklen_t len = make_addr(&a, path);
    int s = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(bind(s, (struct sockaddr*)&a, len));
    return s;
}

static void addresses(void) {
    int r = bound("r");
    int w = bound("w");
    int anon = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    struct sockaddr_un to, from;
    socklen_t tolen = make_addr(&to, "r"), flen;
    char buf[32];

    CHECK(sendto(w, "from w", 6, 0, (struct sockaddr*)&to, tolen) == 6);
    CHECK(sendto(anon, "anon", 4, 0, (struct sockaddr*)&to, tolen) == 4);
    flen = sizeof from;
    memset(&from, 0, sizeof from);
    CHECK(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr*)&from, &flen) == 6);
    CHECK(flen == offsetof(struct sockaddr_un, sun_path) + 2 && strcmp(from.sun_path, "w") == 0, "flen %u", flen);
    flen = sizeof from;
    CHECK(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr*)&from, &flen) == 4);
    CHECK(flen == 0, "unnamed sender: flen %u", flen);

    // No destination and not connected.
    CHECK_ERR(send(anon, "x", 1, 0), ENOTCONN);
    struct sockaddr_un nobody;
    socklen_t nlen = make_addr(&nobody, "nobody");
    CHECK_ERR(sendto(anon, "x", 1, 0, (struct sockaddr*)&nobody, nlen), ENOENT);

    // connect: the default destination, and only the peer may send to us.
    struct sockaddr_un wa;
    socklen_t walen = make_addr(&wa, "w");
    CHECK_OK(connect(r, (struct sockaddr*)&wa, walen));
    CHECK(send(r, "to w", 4, 0) == 4);
    CHECK(recv(w, buf, sizeof buf, 0) == 4 && memcmp(buf, "to w", 4) == 0);
    CHECK_ERR(sendto(anon, "x", 1, 0, (struct sockaddr*)&to, tolen), EPERM);
    CHECK(sendto(w, "ok", 2, 0, (struct sockaddr*)&to, tolen) == 2);
    CHECK(recv(r, buf, sizeof buf, 0) == 2);
    // Not even to itself, while connected elsewhere.
    CHECK_ERR(sendto(r, "self", 4, 0, (struct sockaddr*)&to, tolen), EPERM);
    struct sockaddr_un aa;
    // Dissolve the association.
    memset(&aa, 0, sizeof aa);
    aa.sun_family = AF_UNSPEC;
    CHECK_OK(connect(r, (struct sockaddr*)&aa, sizeof(sa_family_t)));
    CHECK_ERR(send(r, "x", 1, 0), ENOTCONN);
    CHECK(sendto(anon, "again", 5, 0, (struct sockaddr*)&to, tolen) == 5);
    CHECK(recv(r, buf, sizeof buf, 0) == 5);

    // The connected peer goes away: the next send is refused once, then ENOTCONN.
    CHECK_OK(connect(anon, (struct sockaddr*)&wa, walen));
    close(w);
    CHECK_ERR(send(anon, "x", 1, 0), ECONNREFUSED);
    CHECK_ERR(send(anon, "x", 1, 0), ENOTCONN);
    close(anon);
    close(r);
}

static void truncation_and_peek(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    char buf[64];
    CHECK(send(sv[0], "hello world", 11, 0) == 11);
    CHECK(recv(sv[1], buf, 5, MSG_PEEK) == 5);
    CHECK(recv(sv[1], buf, sizeof buf, MSG_PEEK) == 11);
    // MSG_TRUNC as an input flag: the real length, though only 5 bytes are copied.
    memset(buf, 0, sizeof buf);
    CHECK(recv(sv[1], buf, 5, MSG_TRUNC) == 11);
    CHECK(memcmp(buf, "hello", 5) == 0 && buf[5] == 0);
    // As an output flag of recvmsg.
    CHECK(send(sv[0], "0123456789", 10, 0) == 10);
    struct iovec iov[2] = {{buf, 3}, {buf + 10, 4}};
    struct msghdr m = {0};
    m.msg_iov = iov;
    m.msg_iovlen = 2;
    CHECK(recvmsg(sv[1], &m, 0) == 7);
    CHECK(m.msg_flags & MSG_TRUNC, "flags %x", m.msg_flags);
    CHECK(memcmp(buf, "012", 3) == 0 && memcmp(buf + 10, "3456", 4) == 0);
    CHECK(send(sv[0], "fits", 4, 0) == 4);
    m.msg_flags = -1;
    CHECK(recvmsg(sv[1], &m, 0) == 4);
    CHECK(m.msg_flags == 0, "flags %x", m.msg_flags);
    // Bigger than the send buffer can ever hold.
    int sndbuf;
    socklen_t l = sizeof sndbuf;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, &l));
    char* big = calloc(1, (size_t)sndbuf);
    CHECK_ERR(send(sv[0], big, (size_t)sndbuf, 0), EMSGSIZE);
    free(big);
    close(sv[0]);
    close(sv[1]);
}

static void queue_limit(void) {
    // A receiver that is not connected back takes a bounded number of datagrams
    // (net.unix.max_dgram_qlen, 10 by default: 11 fit) from others; then EAGAIN.
    int r = bound("q");
    int s = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    struct sockaddr_un to;
    socklen_t tolen = make_addr(&to, "q");
    CHECK_OK(connect(s, (struct sockaddr*)&to, tolen));
    int sent = 0;
    while (send(s, "m", 1, MSG_DONTWAIT) == 1) sent++;
    CHECK(errno == EAGAIN, "errno %d", errno);
    CHECK(sent >= 2 && sent <= 1000, "sent %d", sent);
    char c;
    CHECK(recv(r, &c, 1, 0) == 1);
    CHECK(send(s, "m", 1, MSG_DONTWAIT) == 1);
    CHECK_ERR(send(s, "m", 1, MSG_DONTWAIT), EAGAIN);
    for (int i = 0; i < sent; i++) CHECK(recv(r, &c, 1, MSG_DONTWAIT) == 1);
    CHECK_ERR(recv(r, &c, 1, MSG_DONTWAIT), EAGAIN);
    close(s);
    close(r);
}

int main(void) {
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    addresses();
    truncation_and_peek();
    queue_limit();
    return 0;
}
