// UDP over the loopback interface: datagrams keep their boundaries and their sender's
// address; MSG_PEEK, MSG_TRUNC, MSG_DONTWAIT, truncation; sendmsg/recvmsg gather and
// scatter one datagram; a connected socket's send/recv, and its ECONNREFUSED once an
// ICMP port unreachable comes back; EDESTADDRREQ, EMSGSIZE, EINVAL (port 0, short
// address), EAFNOSUPPORT, EACCES (broadcast without SO_BROADCAST); FIONREAD is the next
// datagram's size; poll readiness.
// SYSCALLS: socket, bind, connect, sendto, recvfrom, sendmsg, recvmsg, getsockname, getpeername, ioctl, poll, shutdown
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int bound_socket(struct sockaddr_in* a) {
    int s = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_OK(bind(s, (struct sockaddr*)a, sizeof *a));
    socklen_t len = sizeof *a;
    CHECK_OK(getsockname(s, (struct sockaddr*)a, &len));
    CHECK(a->sin_port != 0);
    return s;
}

int main(void) {
    struct sockaddr_in ra, sa;
    int r = bound_socket(&ra);
    int s = bound_socket(&sa);
    char buf[256];

    // Boundaries and the sender's address.
    CHECK(sendto(s, "one", 3, 0, (struct sockaddr*)&ra, sizeof ra) == 3);
    CHECK(sendto(s, "second", 6, 0, (struct sockaddr*)&ra, sizeof ra) == 6);
    CHECK(sendto(s, "", 0, 0, (struct sockaddr*)&ra, sizeof ra) == 0);
    int avail = -1;
    CHECK_OK(ioctl(r, FIONREAD, &avail));
    CHECK(avail == 3, "FIONREAD %d", avail);
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    CHECK(recvfrom(r, buf, sizeof buf, MSG_PEEK, (struct sockaddr*)&from, &flen) == 3);
    CHECK(flen == sizeof from && from.sin_port == sa.sin_port && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    CHECK(recvfrom(r, buf, sizeof buf, 0, NULL, NULL) == 3 && memcmp(buf, "one", 3) == 0);
    // Truncated: the rest of the datagram is gone; MSG_TRUNC reports the real length.
    CHECK(recv(r, buf, 2, MSG_TRUNC) == 6 && memcmp(buf, "se", 2) == 0);
    CHECK(recv(r, buf, sizeof buf, 0) == 0); // the empty datagram
    CHECK_ERR(recv(r, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK_OK(ioctl(r, FIONREAD, &avail));
    CHECK(avail == 0);

    // recvmsg flags a truncated datagram.
    CHECK(sendto(s, "abcdefgh", 8, 0, (struct sockaddr*)&ra, sizeof ra) == 8);
    struct msghdr mh = {0};
    struct iovec iov = {buf, 4};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_name = &from;
    mh.msg_namelen = sizeof from;
    CHECK(recvmsg(r, &mh, 0) == 4);
    CHECK(mh.msg_flags & MSG_TRUNC);
    CHECK(mh.msg_namelen == sizeof from && from.sin_port == sa.sin_port);

    // One datagram from three pieces, received into two.
    struct iovec out[3] = {{"ab", 2}, {"cde", 3}, {"f", 1}};
    memset(&mh, 0, sizeof mh);
    mh.msg_name = &ra;
    mh.msg_namelen = sizeof ra;
    mh.msg_iov = out;
    mh.msg_iovlen = 3;
    CHECK(sendmsg(s, &mh, 0) == 6);
    char x[4] = {0}, y[4] = {0};
    struct iovec in[2] = {{x, 4}, {y, 4}};
    memset(&mh, 0, sizeof mh);
    mh.msg_iov = in;
    mh.msg_iovlen = 2;
    CHECK(recvmsg(r, &mh, 0) == 6);
    CHECK(memcmp(x, "abcd", 4) == 0 && memcmp(y, "ef", 2) == 0 && !(mh.msg_flags & MSG_TRUNC));

    // poll: readable only with a datagram queued; always writable.
    struct pollfd pfd = {r, POLLIN | POLLOUT, 0};
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT, "revents %#x", pfd.revents);
    CHECK(sendto(s, "p", 1, 0, (struct sockaddr*)&ra, sizeof ra) == 1);
    CHECK(poll(&pfd, 1, 1000) == 1 && pfd.revents == (POLLIN | POLLOUT), "revents %#x", pfd.revents);
    CHECK(recv(r, buf, sizeof buf, 0) == 1);

    // A large datagram over lo, and one too large for UDP.
    static char big[65507];
    memset(big, 'z', sizeof big);
    CHECK(sendto(s, big, sizeof big, 0, (struct sockaddr*)&ra, sizeof ra) == (ssize_t)sizeof big);
    CHECK(recv(r, big, sizeof big, 0) == (ssize_t)sizeof big);
    static char huge[65508];
    CHECK_ERR(sendto(s, huge, sizeof huge, 0, (struct sockaddr*)&ra, sizeof ra), EMSGSIZE);

    // Addresses that do not do.
    CHECK_ERR(send(s, "x", 1, 0), EDESTADDRREQ);
    struct sockaddr_in bcast = ra;
    bcast.sin_addr.s_addr = htonl(INADDR_BROADCAST);
    CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr*)&bcast, sizeof bcast), EACCES); // no SO_BROADCAST
    struct sockaddr_in bad = ra;
    bad.sin_port = 0;
    CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr*)&bad, sizeof bad), EINVAL);
    CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr*)&ra, sizeof ra - 1), EINVAL);
    bad = ra;
    bad.sin_family = AF_UNIX;
    CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr*)&bad, sizeof bad), EAFNOSUPPORT);
    CHECK_ERR(bind(s, (struct sockaddr*)&ra, sizeof ra), EINVAL); // already bound
    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    CHECK_ERR(getpeername(s, (struct sockaddr*)&peer, &plen), ENOTCONN);

    // Connected: send/recv without addresses; datagrams from others are filtered out.
    CHECK_OK(connect(s, (struct sockaddr*)&ra, sizeof ra));
    plen = sizeof peer;
    CHECK_OK(getpeername(s, (struct sockaddr*)&peer, &plen));
    CHECK(peer.sin_port == ra.sin_port && peer.sin_addr.s_addr == ra.sin_addr.s_addr);
    CHECK(send(s, "hi", 2, 0) == 2);
    CHECK(recv(r, buf, sizeof buf, 0) == 2);
    struct sockaddr_in oa;
    int other = bound_socket(&oa);
    CHECK(sendto(other, "no", 2, 0, (struct sockaddr*)&sa, sizeof sa) == 2);
    CHECK(sendto(r, "yes", 3, 0, (struct sockaddr*)&sa, sizeof sa) == 3);
    CHECK(recv(s, buf, sizeof buf, 0) == 3 && memcmp(buf, "yes", 3) == 0);
    CHECK_ERR(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);

    // Connected to a port nobody has: ICMP port unreachable makes the next call fail.
    struct sockaddr_in gone;
    int g = bound_socket(&gone);
    CHECK_OK(close(g));
    CHECK_OK(connect(s, (struct sockaddr*)&gone, sizeof gone));
    CHECK(send(s, "x", 1, 0) == 1);
    pfd.fd = s;
    pfd.events = POLLIN;
    CHECK(poll(&pfd, 1, 1000) == 1 && (pfd.revents & POLLERR), "revents %#x", pfd.revents);
    CHECK_ERR(recv(s, buf, sizeof buf, MSG_DONTWAIT), ECONNREFUSED);
    CHECK_ERR(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN); // reported once
    // Disconnect with AF_UNSPEC: sending needs an address again.
    struct sockaddr unspec = {0};
    unspec.sa_family = AF_UNSPEC;
    CHECK_OK(connect(s, &unspec, sizeof unspec));
    CHECK_ERR(send(s, "x", 1, 0), EDESTADDRREQ);

    // shutdown: ENOTCONN unconnected (but it still takes effect), EOF for readers.
    CHECK_ERR(shutdown(other, SHUT_RD), ENOTCONN);
    CHECK(recv(other, buf, sizeof buf, 0) == 0);
    CHECK_ERR(shutdown(other, 7), EINVAL);

    CHECK_OK(close(r));
    CHECK_OK(close(s));
    CHECK_OK(close(other));
    return 0;
}
