// TCP over the loopback interface between a forked client and the server: messages
// echoed both ways; 1 MiB each way (more than windows and buffers hold, so flow control
// and window updates carry it); a half close (SHUT_WR) gives EOF on one side while the
// other still sends; getsockname/getpeername and accept's address name the two ends;
// read/write, readv/writev, sendmsg/recvmsg, MSG_PEEK and MSG_WAITALL on the socket.
// SYSCALLS: socket, bind, listen, accept, accept4, connect, getsockname, getpeername, sendto, recvfrom, sendmsg, recvmsg, shutdown, readv, writev
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define BULK (1 << 20)

static void write_all(int fd, const void* buf, size_t n) {
    const char* p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        CHECK(w > 0, "write returned %zd", w);
        p += w;
        n -= (size_t)w;
    }
}

static void read_all(int fd, void* buf, size_t n) {
    char* p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        CHECK(r > 0, "read returned %zd", r);
        p += r;
        n -= (size_t)r;
    }
}

static unsigned char pattern(size_t i, int seed) { return (unsigned char)(i * 7 + (i >> 9) + seed); }

// Sends BULK bytes in uneven pieces.
static void send_bulk(int fd, int seed) {
    static unsigned char buf[70000];
    size_t off = 0, piece = 1;
    while (off < BULK) {
        size_t n = piece < BULK - off ? piece : BULK - off;
        for (size_t i = 0; i < n; i++) buf[i] = pattern(off + i, seed);
        write_all(fd, buf, n);
        off += n;
        piece = piece * 3 + 1;
        if (piece > sizeof buf) piece = 1000;
    }
}

// Reads until EOF and checks it was exactly the bulk pattern.
static void receive_bulk(int fd, int seed) {
    static unsigned char buf[50000];
    size_t off = 0;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        CHECK(r >= 0);
        if (r == 0) break;
        for (ssize_t i = 0; i < r; i++)
            CHECK(buf[i] == pattern(off + (size_t)i, seed), "byte %zu differs", off + (size_t)i);
        off += (size_t)r;
    }
    CHECK(off == BULK, "got %zu bytes", off);
}

static void client(struct sockaddr_in srv) {
    int c = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
    CHECK_OK(connect(c, (struct sockaddr*)&srv, sizeof srv));
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    CHECK_OK(getpeername(c, (struct sockaddr*)&a, &len));
    CHECK(len == sizeof a && a.sin_family == AF_INET && a.sin_port == srv.sin_port &&
          a.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    len = sizeof a;
    CHECK_OK(getsockname(c, (struct sockaddr*)&a, &len));
    CHECK(a.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && a.sin_port != 0 && a.sin_port != srv.sin_port);
    // The client tells the server its own port, so the server can check accept's answer.
    write_all(c, &a.sin_port, sizeof a.sin_port);

    // Echoes.
    char buf[64], back[64];
    for (int i = 0; i < 20; i++) {
        int n = snprintf(buf, sizeof buf, "message %d", i);
        CHECK(send(c, buf, (size_t)n, 0) == n);
        read_all(c, back, (size_t)n);
        CHECK(memcmp(buf, back, (size_t)n) == 0);
    }
    // Gathered and scattered.
    struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
    CHECK(writev(c, iov, 3) == 6);
    char x[3], y[3];
    struct iovec in[2] = {{x, 3}, {y, 3}};
    struct msghdr mh = {0};
    mh.msg_iov = in;
    mh.msg_iovlen = 2;
    CHECK(recvmsg(c, &mh, MSG_WAITALL) == 6);
    CHECK(memcmp(x, "abc", 3) == 0 && memcmp(y, "def", 3) == 0);

    // Bulk: ours first (then EOF), then theirs until their EOF.
    send_bulk(c, 1);
    CHECK_OK(shutdown(c, SHUT_WR));
    CHECK_ERR(send(c, "z", 1, MSG_NOSIGNAL), EPIPE);
    receive_bulk(c, 2);
    CHECK(read(c, buf, 1) == 0); // EOF stays
    CHECK_OK(close(c));
    exit(0);
}

int main(void) {
    int l = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in srv = {0};
    srv.sin_family = AF_INET;
    srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_OK(bind(l, (struct sockaddr*)&srv, sizeof srv));
    socklen_t len = sizeof srv;
    CHECK_OK(getsockname(l, (struct sockaddr*)&srv, &len));
    CHECK(len == sizeof srv && srv.sin_port != 0, "ephemeral port");
    // Linux (since 4.6) gives bind(0) the ports of the other parity than the range's
    // first (32768: odd ones) and connect's autobind the same parity (even), while both
    // halves have room: a connecting socket cannot take a listener's port.
    CHECK(ntohs(srv.sin_port) % 2 == 1, "bind(0) took port %d", ntohs(srv.sin_port));
    CHECK_OK(listen(l, 4));

    pid_t pid = CHECK_OK(fork());
    if (pid == 0) client(srv);

    struct sockaddr_in peer;
    len = sizeof peer;
    int s = CHECK_OK(accept4(l, (struct sockaddr*)&peer, &len, SOCK_CLOEXEC));
    CHECK(len == sizeof peer && peer.sin_family == AF_INET && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    CHECK(fcntl(s, F_GETFD) == FD_CLOEXEC);
    CHECK((fcntl(s, F_GETFL) & O_NONBLOCK) == 0);
    struct sockaddr_in local;
    len = sizeof local;
    CHECK_OK(getsockname(s, (struct sockaddr*)&local, &len));
    CHECK(local.sin_port == srv.sin_port && local.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    in_port_t client_port;
    read_all(s, &client_port, sizeof client_port);
    CHECK(client_port == peer.sin_port, "accept named port %d, the client says %d", ntohs(peer.sin_port),
          ntohs(client_port));
    CHECK(ntohs(peer.sin_port) % 2 == 0, "connect's autobind took port %d", ntohs(peer.sin_port));

    char buf[64];
    for (int i = 0; i < 20; i++) {
        char want[32];
        int n = snprintf(want, sizeof want, "message %d", i);
        // Peek first: the bytes stay for the read that follows.
        ssize_t p = recv(s, buf, (size_t)n, MSG_PEEK | MSG_WAITALL);
        CHECK(p > 0 && memcmp(buf, want, (size_t)p) == 0);
        read_all(s, buf, (size_t)n);
        CHECK(memcmp(buf, want, (size_t)n) == 0, "message %d", i);
        CHECK(sendto(s, buf, (size_t)n, 0, NULL, 0) == n);
    }
    read_all(s, buf, 6);
    CHECK(memcmp(buf, "abcdef", 6) == 0);
    write_all(s, buf, 6);

    receive_bulk(s, 1);
    send_bulk(s, 2);
    CHECK_OK(close(s));
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "client status %#x", status);
    CHECK_OK(close(l));
    return 0;
}
