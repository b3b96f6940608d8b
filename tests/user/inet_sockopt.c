// Socket options of AF_INET sockets: SO_TYPE/SO_PROTOCOL/SO_DOMAIN, Linux's default
// buffer sizes for TCP and UDP and the doubling of SO_RCVBUF/SO_SNDBUF, SO_KEEPALIVE,
// SO_REUSEADDR, SO_LINGER, SO_ACCEPTCONN; IPPROTO_IP: IP_TTL (64 by default, -1 resets
// it, 0 is refused), IP_TOS; IPPROTO_TCP: TCP_NODELAY, TCP_MAXSEG (536 before a
// connection), TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT with their ranges; the errors for
// unknown levels and options.
// SYSCALLS: setsockopt, getsockopt, socket, listen
#define _GNU_SOURCE
#include "lvtest.h"
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

static int get_int(int fd, int level, int name) {
    int v = -12345;
    socklen_t len = sizeof v;
    CHECK_OK(getsockopt(fd, level, name, &v, &len));
    CHECK(len == sizeof v, "optlen %u", len);
    return v;
}

static void set_int(int fd, int level, int name, int v) { CHECK_OK(setsockopt(fd, level, name, &v, sizeof v)); }

static void common(int fd, int type, int protocol) {
    CHECK(get_int(fd, SOL_SOCKET, SO_TYPE) == type);
    CHECK(get_int(fd, SOL_SOCKET, SO_PROTOCOL) == protocol);
    CHECK(get_int(fd, SOL_SOCKET, SO_DOMAIN) == AF_INET);
    CHECK(get_int(fd, SOL_SOCKET, SO_ERROR) == 0);
    CHECK(get_int(fd, SOL_SOCKET, SO_ACCEPTCONN) == 0);
    set_int(fd, SOL_SOCKET, SO_RCVBUF, 10000);
    CHECK(get_int(fd, SOL_SOCKET, SO_RCVBUF) == 20000);
    set_int(fd, SOL_SOCKET, SO_SNDBUF, 10000);
    CHECK(get_int(fd, SOL_SOCKET, SO_SNDBUF) == 20000);
    CHECK(get_int(fd, SOL_SOCKET, SO_KEEPALIVE) == 0);
    set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
    CHECK(get_int(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);
    set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    CHECK(get_int(fd, SOL_SOCKET, SO_REUSEADDR) == 1);

    CHECK(get_int(fd, IPPROTO_IP, IP_TTL) == 64);
    set_int(fd, IPPROTO_IP, IP_TTL, 7);
    CHECK(get_int(fd, IPPROTO_IP, IP_TTL) == 7);
    int zero = 0;
    CHECK_ERR(setsockopt(fd, IPPROTO_IP, IP_TTL, &zero, sizeof zero), EINVAL);
    set_int(fd, IPPROTO_IP, IP_TTL, -1);
    CHECK(get_int(fd, IPPROTO_IP, IP_TTL) == 64);
    set_int(fd, IPPROTO_IP, IP_TOS, IPTOS_LOWDELAY);
    CHECK(get_int(fd, IPPROTO_IP, IP_TOS) == IPTOS_LOWDELAY);

    int v = 1;
    CHECK_ERR(setsockopt(fd, IPPROTO_IP, 12345, &v, sizeof v), ENOPROTOOPT);
    socklen_t len = sizeof v;
    CHECK_ERR(getsockopt(fd, IPPROTO_IP, 12345, &v, &len), ENOPROTOOPT);
    CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, 1), EINVAL);
}

int main(void) {
    int u = CHECK_OK(socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(get_int(u, SOL_SOCKET, SO_RCVBUF) == 212992, "UDP rcvbuf %d", get_int(u, SOL_SOCKET, SO_RCVBUF));
    CHECK(get_int(u, SOL_SOCKET, SO_SNDBUF) == 212992);
    common(u, SOCK_DGRAM, IPPROTO_UDP);
    // The UDP level does not take TCP's options; an unknown level is another error.
    int v = 1;
    CHECK_ERR(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v), ENOPROTOOPT);
    socklen_t len = sizeof v;
    CHECK_ERR(getsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, &len), EOPNOTSUPP);

    int t = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
    CHECK(get_int(t, SOL_SOCKET, SO_RCVBUF) == 131072, "TCP rcvbuf %d", get_int(t, SOL_SOCKET, SO_RCVBUF));
    CHECK(get_int(t, SOL_SOCKET, SO_SNDBUF) == 16384);
    common(t, SOCK_STREAM, IPPROTO_TCP);
    CHECK(get_int(t, IPPROTO_TCP, TCP_NODELAY) == 0);
    set_int(t, IPPROTO_TCP, TCP_NODELAY, 1);
    CHECK(get_int(t, IPPROTO_TCP, TCP_NODELAY) == 1);
    CHECK(get_int(t, IPPROTO_TCP, TCP_MAXSEG) == 536);
    set_int(t, IPPROTO_TCP, TCP_MAXSEG, 1000);
    CHECK(get_int(t, IPPROTO_TCP, TCP_MAXSEG) == 1000);
    int tiny = 10;
    CHECK_ERR(setsockopt(t, IPPROTO_TCP, TCP_MAXSEG, &tiny, sizeof tiny), EINVAL);
    set_int(t, IPPROTO_TCP, TCP_KEEPIDLE, 30);
    CHECK(get_int(t, IPPROTO_TCP, TCP_KEEPIDLE) == 30);
    set_int(t, IPPROTO_TCP, TCP_KEEPINTVL, 5);
    CHECK(get_int(t, IPPROTO_TCP, TCP_KEEPINTVL) == 5);
    set_int(t, IPPROTO_TCP, TCP_KEEPCNT, 3);
    CHECK(get_int(t, IPPROTO_TCP, TCP_KEEPCNT) == 3);
    int bad = 0;
    CHECK_ERR(setsockopt(t, IPPROTO_TCP, TCP_KEEPIDLE, &bad, sizeof bad), EINVAL);
    CHECK_ERR(setsockopt(t, IPPROTO_TCP, TCP_KEEPCNT, &bad, sizeof bad), EINVAL);
    CHECK_ERR(setsockopt(t, IPPROTO_TCP, 12345, &v, sizeof v), ENOPROTOOPT);
    len = sizeof v;
    CHECK_ERR(getsockopt(t, IPPROTO_TCP, 12345, &v, &len), ENOPROTOOPT);

    struct linger lg = {1, 5}, out;
    CHECK_OK(setsockopt(t, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    len = sizeof out;
    CHECK_OK(getsockopt(t, SOL_SOCKET, SO_LINGER, &out, &len));
    CHECK(len == sizeof out && out.l_onoff == 1 && out.l_linger == 5);

    CHECK_OK(listen(t, 1));
    CHECK(get_int(t, SOL_SOCKET, SO_ACCEPTCONN) == 1);
    close(t);
    close(u);
    return 0;
}
