// Socket syscall argument errors: unknown families and types, bad flags, protocols
// AF_UNIX does not have, ENOTSOCK and EBADF, address lengths, operations a socket's
// type or state does not allow (listen/accept/send/recv/connect/shutdown), EFAULT.
// SYSCALLS: socket, socketpair, bind, listen, accept, connect, getpeername, sendto, recvfrom, sendmsg, shutdown, getsockopt
#define _GNU_SOURCE
#include "lvtest.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

int main(void) {
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));

    CHECK_ERR(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, 11 /* SOCK_MAX */, 0), EINVAL); // flag bits: sock_bits.c
    CHECK_ERR(socket(AF_UNIX, 4 /* SOCK_RDM */, 0), ESOCKTNOSUPPORT);
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 2), EPROTONOSUPPORT);
    close(CHECK_OK(socket(AF_UNIX, SOCK_STREAM, PF_UNIX)));
    // AF_UNIX SOCK_RAW is a datagram socket.
    int raw = CHECK_OK(socket(AF_UNIX, SOCK_RAW, 0));
    int v = 0;
    socklen_t vl = sizeof v;
    CHECK_OK(getsockopt(raw, SOL_SOCKET, SO_TYPE, &v, &vl));
    CHECK(v == SOCK_DGRAM, "%d", v);
    close(raw);
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL), EFAULT);

    // Not a socket, not a descriptor.
    int p[2];
    CHECK_OK(pipe(p));
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "s");
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 2;
    CHECK_ERR(bind(p[0], (struct sockaddr*)&a, alen), ENOTSOCK);
    CHECK_ERR(getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &vl), ENOTSOCK);
    CHECK_ERR(listen(p[0], 1), ENOTSOCK);
    CHECK_ERR(bind(999, (struct sockaddr*)&a, alen), EBADF);
    CHECK_ERR(shutdown(-1, SHUT_RD), EBADF);

    // Addresses.
    int s = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_ERR(bind(s, (struct sockaddr*)&a, 200), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr*)&a, -1), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr*)&a, 1), EINVAL);
    CHECK_ERR(bind(s, (struct sockaddr*)&a, sizeof a + 1), EINVAL);
    CHECK_ERR(bind(s, NULL, alen), EFAULT);
    a.sun_family = AF_INET;
    CHECK_ERR(bind(s, (struct sockaddr*)&a, alen), EINVAL);
    CHECK_ERR(connect(s, (struct sockaddr*)&a, alen), EINVAL);
    a.sun_family = AF_UNIX;

    // State and type.
    char c;
    CHECK_ERR(listen(s, 1), EINVAL); // unbound
    CHECK_ERR(accept(s, NULL, NULL), EINVAL);
    CHECK_ERR(getpeername(s, (struct sockaddr*)&a, &alen), ENOTCONN);
    CHECK_ERR(send(s, "x", 1, 0), ENOTCONN);
    CHECK_ERR(recv(s, &c, 1, 0), EINVAL); // not connected
    struct sockaddr_un to = {0};
    to.sun_family = AF_UNIX;
    strcpy(to.sun_path, "t");
    CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr*)&to, alen), EOPNOTSUPP);
    CHECK_ERR(shutdown(s, 3), EINVAL);
    CHECK_OK(shutdown(s, SHUT_RDWR)); // AF_UNIX does not say ENOTCONN
    close(s);
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_ERR(sendto(sv[0], "x", 1, 0, (struct sockaddr*)&to, alen), EISCONN);
    CHECK_ERR(listen(sv[0], 1), EINVAL);
    CHECK_ERR(send(sv[0], NULL, 10, 0), EFAULT);
    struct iovec iov[1] = {{&c, 1}};
    struct msghdr m = {0};
    m.msg_iov = iov;
    m.msg_iovlen = 1025;
    CHECK_ERR(sendmsg(sv[0], &m, 0), EMSGSIZE);
    close(sv[0]);
    close(sv[1]);

    int d = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(bind(d, (struct sockaddr*)&a, alen));
    CHECK_ERR(listen(d, 1), EOPNOTSUPP);
    CHECK_ERR(accept(d, NULL, NULL), EOPNOTSUPP);
    CHECK_ERR(recv(d, &c, 1, MSG_DONTWAIT), EAGAIN);
    close(d);
    int q = CHECK_OK(socket(AF_UNIX, SOCK_SEQPACKET, 0));
    CHECK_ERR(send(q, "x", 1, 0), ENOTCONN);
    CHECK_ERR(recv(q, &c, 1, 0), ENOTCONN);
    close(q);
    return 0;
}
