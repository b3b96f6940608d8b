// Non-blocking TCP over the loopback interface: connect() says EINPROGRESS, poll()
// reports POLLOUT once connected (SO_ERROR 0; connect() again returns 0, then EISCONN)
// or POLLERR|POLLHUP with SO_ERROR
// ECONNREFUSED; EALREADY while a connection waits for a full listen queue (backlog 0
// holds one connection, further SYNs are dropped until accept makes room); accept and
// recv say EAGAIN; a writer the reader ignores fills the windows and buffers until
// EAGAIN, and poll() says POLLOUT again once the reader drains them.
// SYSCALLS: socket, connect, accept4, poll, getsockopt, sendto, recvfrom, fcntl
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

static int so_error(int fd) {
    int e = -1;
    socklen_t len = sizeof e;
    CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len));
    return e;
}

static short wait_for(int fd, short events, int ms) {
    struct pollfd p = {fd, events, 0};
    int n = poll(&p, 1, ms);
    CHECK(n >= 0);
    return n ? p.revents : 0;
}

int main(void) {
    int l = CHECK_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECK(fcntl(l, F_GETFL) & O_NONBLOCK);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_OK(bind(l, (struct sockaddr*)&a, sizeof a));
    socklen_t len = sizeof a;
    CHECK_OK(getsockname(l, (struct sockaddr*)&a, &len));
    CHECK_OK(listen(l, 0)); // room for one connection waiting to be accepted
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
    CHECK(wait_for(l, POLLIN, 0) == 0);

    // The first connection fits in the queue.
    int c1 = CHECK_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECK_ERR(connect(c1, (struct sockaddr*)&a, sizeof a), EINPROGRESS);
    CHECK(wait_for(c1, POLLOUT, 5000) & POLLOUT);
    CHECK(so_error(c1) == 0);
    CHECK_OK(connect(c1, (struct sockaddr*)&a, sizeof a)); // completes the call, as Linux
    CHECK_ERR(connect(c1, (struct sockaddr*)&a, sizeof a), EISCONN);
    CHECK(wait_for(l, POLLIN, 5000) == POLLIN);

    // The second waits: its SYN is dropped while the queue is full.
    int c2 = CHECK_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECK_ERR(connect(c2, (struct sockaddr*)&a, sizeof a), EINPROGRESS);
    CHECK(wait_for(c2, POLLOUT, 300) == 0);
    CHECK_ERR(connect(c2, (struct sockaddr*)&a, sizeof a), EALREADY);
    int s1 = CHECK_OK(accept4(l, NULL, NULL, SOCK_NONBLOCK));
    CHECK(fcntl(s1, F_GETFL) & O_NONBLOCK);
    // The retransmitted SYN (after about a second) finds room now.
    CHECK(wait_for(c2, POLLOUT, 10000) & POLLOUT, "second connection not made");
    CHECK(so_error(c2) == 0);
    CHECK(wait_for(l, POLLIN, 5000) == POLLIN);
    int s2 = CHECK_OK(accept(l, NULL, NULL));
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN);

    // Reads.
    char buf[4096];
    CHECK_ERR(recv(s1, buf, sizeof buf, 0), EAGAIN);
    CHECK_ERR(recv(s2, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK(wait_for(s1, POLLIN, 0) == 0);
    CHECK(send(c1, "ping", 4, 0) == 4);
    CHECK(wait_for(s1, POLLIN, 5000) == POLLIN);
    CHECK(recv(s1, buf, sizeof buf, 0) == 4);

    // Flow control: write until the reader's window and our buffer are full.
    static unsigned char chunk[8192];
    size_t sent = 0;
    for (;;) {
        for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (unsigned char)(sent + i);
        ssize_t n = send(c1, chunk, sizeof chunk, 0);
        if (n < 0) {
            CHECK(errno == EAGAIN, "send: errno %d", errno);
            break;
        }
        sent += (size_t)n;
        CHECK(sent < (64u << 20), "the writer never stopped");
    }
    CHECK(sent >= 16384, "only %zu bytes before EAGAIN", sent);
    CHECK(!(wait_for(c1, POLLOUT, 0) & POLLOUT));
    // Reading makes room; everything arrives in order.
    size_t got = 0;
    int writable = 0;
    while (got < sent) {
        CHECK(wait_for(s1, POLLIN, 5000) & POLLIN, "stalled at %zu of %zu", got, sent);
        ssize_t n = recv(s1, buf, sizeof buf, 0);
        CHECK(n > 0);
        for (ssize_t i = 0; i < n; i++) CHECK(((unsigned char*)buf)[i] == (unsigned char)(got + (size_t)i), "byte %zu", got);
        got += (size_t)n;
        if (!writable && (wait_for(c1, POLLOUT, 0) & POLLOUT)) writable = 1;
    }
    CHECK(writable || (wait_for(c1, POLLOUT, 5000) & POLLOUT), "no POLLOUT after the reader drained");

    // A refused non-blocking connection.
    int c3 = CHECK_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECK_OK(close(l)); // nobody listens on the port any more
    int r = connect(c3, (struct sockaddr*)&a, sizeof a);
    CHECK(r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED), "connect: %d errno %d", r, errno);
    if (errno == EINPROGRESS) {
        short ev = wait_for(c3, POLLIN | POLLOUT, 5000);
        CHECK((ev & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP), "revents %#x", ev);
        CHECK(so_error(c3) == ECONNREFUSED);
    }
    CHECK(so_error(c3) == 0);

    close(c1);
    close(c2);
    close(c3);
    close(s1);
    close(s2);
    return 0;
}
