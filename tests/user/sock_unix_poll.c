// poll() readiness of AF_UNIX sockets: POLLOUT when there is room, POLLIN with data or
// a pending connection, POLLRDHUP/POLLIN after the peer's SHUT_WR, POLLHUP when both
// directions are shut or a stream socket is unconnected; sleepers wake when a reader
// makes room (also a datagram sender waiting on a receiver's queue length).
// SYSCALLS: socketpair, socket, bind, listen, connect, poll, shutdown
#define _GNU_SOURCE
#include "lvtest.h"
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static short events(int fd, short ask, int timeout_ms) {
    struct pollfd p = {fd, ask, 0};
    int r = poll(&p, 1, timeout_ms);
    CHECK(r >= 0);
    return r ? p.revents : 0;
}

#define ALL (POLLIN | POLLOUT | POLLRDHUP)

static void stream(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
    CHECK(events(sv[0], ALL, 0) == POLLOUT, "%x", events(sv[0], ALL, 0));
    CHECK(write(sv[1], "a", 1) == 1);
    CHECK(events(sv[0], ALL, 0) == (POLLIN | POLLOUT));
    char buf[4096];
    CHECK(read(sv[0], buf, sizeof buf) == 1);
    // Fill until EAGAIN: no POLLOUT; the reader draining it brings POLLOUT back.
    memset(buf, 'x', sizeof buf);
    size_t total = 0;
    for (;;) {
        ssize_t n = write(sv[0], buf, sizeof buf);
        if (n < 0) break;
        total += (size_t)n;
    }
    CHECK(errno == EAGAIN && total > 0);
    CHECK(!(events(sv[0], POLLOUT, 0) & POLLOUT));
    CHECK(events(sv[1], POLLIN, 0) == POLLIN);
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        while (read(sv[1], buf, sizeof buf) > 0) {
        }
        _exit(0);
    }
    CHECK(events(sv[0], POLLOUT, 10000) == POLLOUT); // woken by the child's reads
    int st;
    CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st));
    // SHUT_WR at the peer: readable (EOF), POLLRDHUP; still writable.
    CHECK_OK(shutdown(sv[1], SHUT_WR));
    CHECK(events(sv[0], ALL, 0) == (POLLIN | POLLOUT | POLLRDHUP), "%x", events(sv[0], ALL, 0));
    CHECK(events(sv[0], POLLOUT, 0) == POLLOUT); // only what was asked, plus HUP/ERR
    // Peer closed: both directions are shut, POLLHUP.
    close(sv[1]);
    CHECK(events(sv[0], ALL, 0) == (POLLIN | POLLOUT | POLLRDHUP | POLLHUP), "%x", events(sv[0], ALL, 0));
    close(sv[0]);

    // An unconnected stream socket: writable (so a connect can be polled for) and hung up.
    int s = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK(events(s, ALL, 0) == (POLLOUT | POLLHUP), "%x", events(s, ALL, 0));
    close(s);
}

static void listener(void) {
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "l");
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + 2;
    int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, len));
    CHECK_OK(listen(l, 4));
    CHECK(events(l, ALL, 0) == 0, "%x", events(l, ALL, 0));
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        _exit(connect(c, (struct sockaddr*)&a, len) == 0 ? 0 : 1);
    }
    CHECK(events(l, POLLIN, 10000) == POLLIN); // a connection is waiting
    int s = CHECK_OK(accept(l, NULL, NULL));
    int st;
    CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    // The client exited: the accepted socket sees EOF and POLLHUP.
    CHECK(events(s, ALL, 0) == (POLLIN | POLLOUT | POLLRDHUP | POLLHUP), "%x", events(s, ALL, 0));
    close(s);
    close(l);
}

static void dgram_queue(void) {
    // A datagram sender connected to a receiver that is not connected back: no
    // POLLOUT while the receiver's queue is full; its read wakes the poller.
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "d");
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + 2;
    int r = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(bind(r, (struct sockaddr*)&a, len));
    int s = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(connect(s, (struct sockaddr*)&a, len));
    CHECK(events(s, POLLOUT, 0) == POLLOUT);
    while (send(s, "m", 1, MSG_DONTWAIT) == 1) {
    }
    CHECK(errno == EAGAIN);
    CHECK(events(s, POLLOUT, 0) == 0);
    CHECK(events(r, POLLIN, 0) == POLLIN);
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        char c;
        _exit(recv(r, &c, 1, 0) == 1 ? 0 : 1);
    }
    CHECK(events(s, POLLOUT, 10000) == POLLOUT);
    int st;
    CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(s);
    close(r);

    // Seqpacket: the peer's close is a hangup.
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    CHECK(events(sv[0], ALL, 0) == POLLOUT);
    close(sv[1]);
    CHECK(events(sv[0], ALL, 0) == (POLLIN | POLLOUT | POLLRDHUP | POLLHUP), "%x", events(sv[0], ALL, 0));
    close(sv[0]);
}

int main(void) {
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    stream();
    listener();
    dgram_queue();
    return 0;
}
