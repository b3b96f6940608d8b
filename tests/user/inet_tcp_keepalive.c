// TCP keepalive over the loopback interface: with SO_KEEPALIVE and one-second
// TCP_KEEPIDLE/TCP_KEEPINTVL, an idle connection sends probes that the peer answers,
// so after several idle periods it is still up and carries data both ways.
// SYSCALLS: setsockopt, getsockopt, nanosleep, sendto, recvfrom
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void set_int(int fd, int level, int name, int v) { CHECK_OK(setsockopt(fd, level, name, &v, sizeof v)); }

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

    set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1);
    set_int(c, IPPROTO_TCP, TCP_KEEPIDLE, 1);
    set_int(c, IPPROTO_TCP, TCP_KEEPINTVL, 1);
    set_int(c, IPPROTO_TCP, TCP_KEEPCNT, 2);
    // Idle for longer than idle time + count * interval: unanswered probes would have
    // ended the connection by now.
    struct timespec ts = {4, 0};
    CHECK_OK(nanosleep(&ts, NULL));
    int err = -1;
    len = sizeof err;
    CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
    CHECK(err == 0, "SO_ERROR %d", err);
    char buf[8];
    CHECK(send(c, "alive", 5, 0) == 5);
    CHECK(recv(s, buf, sizeof buf, 0) == 5 && memcmp(buf, "alive", 5) == 0);
    CHECK(send(s, "yes", 3, 0) == 3);
    CHECK(recv(c, buf, sizeof buf, 0) == 3);
    close(c);
    close(s);
    close(l);
    return 0;
}
