// Holding back small TCP segments over the loopback interface: with TCP_CORK, or a
// send with MSG_MORE, a partial segment waits (the peer has nothing to read) until
// the cork comes off or a send without MSG_MORE follows; then it all arrives, in order.
// TCP_NODELAY is accepted on the way.
// SYSCALLS: setsockopt, sendto, recvfrom
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

static void set_int(int fd, int level, int name, int v) { CHECK_OK(setsockopt(fd, level, name, &v, sizeof v)); }

static void expect(int fd, const char* want) {
    char buf[64];
    size_t n = strlen(want), got = 0;
    while (got < n) {
        struct pollfd p = {fd, POLLIN, 0};
        CHECK(poll(&p, 1, 5000) == 1, "waited for %s", want);
        ssize_t r = recv(fd, buf + got, sizeof buf - got, 0);
        CHECK(r > 0);
        got += (size_t)r;
    }
    CHECK(got == n && memcmp(buf, want, n) == 0, "got %.*s", (int)got, buf);
}

int main(void) {
    int l = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_OK(bind(l, (struct sockaddr*)&a, sizeof a));
    socklen_t len = sizeof a;
    CHECK_OK(getsockname(l, (struct sockaddr*)&a, &len));
    CHECK_OK(listen(l, 1));
    int c = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
    CHECK_OK(connect(c, (struct sockaddr*)&a, sizeof a));
    int s = CHECK_OK(accept(l, NULL, NULL));
    char buf[64];

    set_int(c, IPPROTO_TCP, TCP_CORK, 1);
    CHECK(send(c, "corked", 6, 0) == 6);
    CHECK_ERR(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK(send(c, " more", 5, 0) == 5);
    CHECK_ERR(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    set_int(c, IPPROTO_TCP, TCP_CORK, 0);
    expect(s, "corked more");

    CHECK(send(c, "head", 4, MSG_MORE) == 4);
    CHECK_ERR(recv(s, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK(send(c, "+tail", 5, 0) == 5);
    expect(s, "head+tail");

    set_int(c, IPPROTO_TCP, TCP_NODELAY, 1);
    CHECK(send(c, "a", 1, 0) == 1);
    CHECK(send(c, "b", 1, 0) == 1);
    expect(s, "ab");
    close(c);
    close(s);
    close(l);
    return 0;
}
