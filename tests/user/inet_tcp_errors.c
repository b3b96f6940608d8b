// TCP error cases over the loopback interface, as Linux reports them: ECONNREFUSED
// from a port nobody listens on; EADDRINUSE (and when SO_REUSEADDR lifts it: sockets
// that do not listen, TIME_WAIT); EISCONN, ENOTCONN, EINVAL for calls in the wrong
// state; EPIPE with SIGPIPE (or without, MSG_NOSIGNAL) after the peer closed;
// ECONNRESET when the peer closes with unread data or with SO_LINGER 0;
// EADDRNOTAVAIL, EAFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT; EACCES for a port
// below 1024 without privilege.
// SYSCALLS: socket, bind, listen, accept, connect, shutdown, getpeername, setsockopt, sendto, recvfrom, setuid
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { sigpipes += sig == SIGPIPE; }

static struct sockaddr_in loopback(in_port_t port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = port;
    return a;
}

static int tcp(void) { return CHECK_OK(socket(AF_INET, SOCK_STREAM, 0)); }

static void set_reuse(int fd) {
    int one = 1;
    CHECK_OK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
}

// A listener on 127.0.0.1 and a free port; returns its address.
static int listener(struct sockaddr_in* a, int reuse) {
    int l = tcp();
    if (reuse) set_reuse(l);
    *a = loopback(0);
    CHECK_OK(bind(l, (struct sockaddr*)a, sizeof *a));
    socklen_t len = sizeof *a;
    CHECK_OK(getsockname(l, (struct sockaddr*)a, &len));
    CHECK_OK(listen(l, 8));
    return l;
}

// A connected pair through listener l.
static void connected_pair(int l, struct sockaddr_in a, int* client, int* server) {
    *client = tcp();
    CHECK_OK(connect(*client, (struct sockaddr*)&a, sizeof a));
    *server = CHECK_OK(accept(l, NULL, NULL));
}

// Waits until the peer's answer (a RST) has arrived: poll reports an error or hangup.
static void wait_for_error(int fd) {
    struct pollfd p = {fd, POLLIN, 0};
    CHECK(poll(&p, 1, 5000) == 1, "no event");
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_sigpipe;
    CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
    char buf[16];

    // Socket creation.
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    CHECK_ERR(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);

    // Refused: a port that was just given back.
    struct sockaddr_in a;
    int l = listener(&a, 0);
    CHECK_OK(close(l));
    int c = tcp();
    CHECK_ERR(connect(c, (struct sockaddr*)&a, sizeof a), ECONNREFUSED);
    CHECK_OK(close(c));

    // Unconnected sockets.
    c = tcp();
    struct sockaddr_in p;
    socklen_t plen = sizeof p;
    CHECK_ERR(getpeername(c, (struct sockaddr*)&p, &plen), ENOTCONN);
    CHECK_ERR(recv(c, buf, 1, 0), ENOTCONN);
    CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK(sigpipes == 0);
    CHECK_ERR(send(c, "x", 1, 0), EPIPE);
    CHECK(sigpipes == 1, "SIGPIPE %d", (int)sigpipes);
    CHECK_ERR(shutdown(c, SHUT_WR), ENOTCONN);
    CHECK_ERR(accept(c, NULL, NULL), EINVAL);
    struct sockaddr_in any = loopback(0);
    CHECK_ERR(bind(c, (struct sockaddr*)&any, sizeof any - 1), EINVAL);
    CHECK_ERR(connect(c, (struct sockaddr*)&any, sizeof any - 1), EINVAL);
    struct sockaddr_in wrong = any;
    wrong.sin_family = AF_UNIX;
    CHECK_ERR(bind(c, (struct sockaddr*)&wrong, sizeof wrong), EAFNOSUPPORT);
    CHECK_ERR(connect(c, (struct sockaddr*)&wrong, sizeof wrong), EAFNOSUPPORT);
    struct sockaddr_in foreign = any;
    foreign.sin_addr.s_addr = inet_addr("192.0.2.1"); // TEST-NET-1: never ours
    CHECK_ERR(bind(c, (struct sockaddr*)&foreign, sizeof foreign), EADDRNOTAVAIL);
    CHECK_OK(bind(c, (struct sockaddr*)&any, sizeof any));
    CHECK_ERR(bind(c, (struct sockaddr*)&any, sizeof any), EINVAL); // bound already
    CHECK_OK(close(c));

    // Connected sockets.
    l = listener(&a, 0);
    int s;
    connected_pair(l, a, &c, &s);
    CHECK_ERR(connect(c, (struct sockaddr*)&a, sizeof a), EISCONN);
    CHECK_ERR(listen(c, 1), EINVAL);
    CHECK_ERR(accept(s, NULL, NULL), EINVAL);

    // Ports in use: another bind to the listener's port, on its address or any.
    int d = tcp();
    CHECK_ERR(bind(d, (struct sockaddr*)&a, sizeof a), EADDRINUSE);
    struct sockaddr_in wild = a;
    wild.sin_addr.s_addr = htonl(INADDR_ANY);
    CHECK_ERR(bind(d, (struct sockaddr*)&wild, sizeof wild), EADDRINUSE);
    set_reuse(d);
    CHECK_ERR(bind(d, (struct sockaddr*)&a, sizeof a), EADDRINUSE); // it listens
    CHECK_OK(close(d));

    // The peer closed: the first write still goes out, its RST makes the next fail.
    CHECK_OK(close(s));
    CHECK(recv(c, buf, sizeof buf, 0) == 0); // FIN: EOF
    CHECK(send(c, "x", 1, 0) == 1);
    wait_for_error(c);
    CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK(sigpipes == 1);
    CHECK_ERR(send(c, "x", 1, 0), EPIPE);
    CHECK(sigpipes == 2);
    CHECK(recv(c, buf, sizeof buf, 0) == 0);
    CHECK_ERR(connect(c, (struct sockaddr*)&a, sizeof a), EISCONN); // Linux keeps SS_CONNECTED
    CHECK_OK(close(c));

    // Closing with unread data resets the connection.
    connected_pair(l, a, &c, &s);
    CHECK(send(c, "unread", 6, 0) == 6);
    struct pollfd pf = {s, POLLIN, 0};
    CHECK(poll(&pf, 1, 5000) == 1);
    CHECK_OK(close(s));
    wait_for_error(c);
    CHECK_ERR(recv(c, buf, sizeof buf, 0), ECONNRESET);
    CHECK(recv(c, buf, sizeof buf, 0) == 0); // reported once
    CHECK_OK(close(c));

    // So does SO_LINGER with a zero timeout.
    connected_pair(l, a, &c, &s);
    struct linger lg = {1, 0};
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    CHECK_OK(close(s));
    wait_for_error(c);
    int err = -1;
    socklen_t elen = sizeof err;
    CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen));
    CHECK(err == ECONNRESET, "SO_ERROR %d", err);
    CHECK(recv(c, buf, sizeof buf, 0) == 0); // SO_ERROR took the error
    CHECK_OK(close(c));
    CHECK_OK(close(l));

    // SO_REUSEADDR: two sockets share a port while neither listens; the second
    // listener is refused.
    int r1 = tcp(), r2 = tcp();
    set_reuse(r1);
    set_reuse(r2);
    struct sockaddr_in ra = loopback(0);
    CHECK_OK(bind(r1, (struct sockaddr*)&ra, sizeof ra));
    socklen_t ralen = sizeof ra;
    CHECK_OK(getsockname(r1, (struct sockaddr*)&ra, &ralen));
    CHECK_OK(bind(r2, (struct sockaddr*)&ra, sizeof ra));
    CHECK_OK(listen(r1, 1));
    CHECK_ERR(listen(r2, 1), EADDRINUSE);
    CHECK_OK(close(r1));
    CHECK_OK(close(r2));

    // Ports below 1024 take privilege (unless a host lowered net.ipv4.ip_unprivileged_port_start).
    int lowest = 1024;
    FILE* f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r");
    if (f) {
        if (fscanf(f, "%d", &lowest) != 1) lowest = 1024;
        fclose(f);
    }
    if (lowest >= 1024) {
        pid_t pid = CHECK_OK(fork());
        if (pid == 0) {
            CHECK_OK(setuid(65534));
            int u = tcp();
            struct sockaddr_in low = loopback(htons(7));
            CHECK_ERR(bind(u, (struct sockaddr*)&low, sizeof low), EACCES);
            exit(0);
        }
        int status;
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }

    // TIME_WAIT: the side that closes first keeps the port for a while; a listener that
    // set SO_REUSEADDR can be bound again at once by one that sets it too.
    l = listener(&a, 1);
    connected_pair(l, a, &c, &s);
    CHECK_OK(close(s)); // the server closes first: it goes through TIME_WAIT
    CHECK(recv(c, buf, sizeof buf, 0) == 0);
    CHECK_OK(close(c));
    CHECK_OK(close(l));
    usleep(100 * 1000);
    d = tcp();
    CHECK_ERR(bind(d, (struct sockaddr*)&a, sizeof a), EADDRINUSE);
    set_reuse(d);
    CHECK_OK(bind(d, (struct sockaddr*)&a, sizeof a));
    CHECK_OK(listen(d, 1));
    CHECK_OK(close(d));
    return 0;
}
