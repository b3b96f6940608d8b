// Blocking on AF_UNIX sockets: reads, MSG_WAITALL, accept and a connect to a full
// backlog wait for the other side; SO_RCVTIMEO/SO_SNDTIMEO end the wait with EAGAIN;
// a signal interrupts a read (EINTR without SA_RESTART, restarted with it); writing
// to a closed or shut down stream is EPIPE with SIGPIPE (none with MSG_NOSIGNAL).
// SYSCALLS: socketpair, socket, bind, listen, accept, connect, recvfrom, sendto, setsockopt, shutdown
#define _GNU_SOURCE
#include "lvtest.h"
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void wait_ok(pid_t child) {
    int st;
    CHECK(waitpid(child, &st, 0) == child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %x", st);
}

static void reads(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        if (write(sv[1], "abc", 3) != 3) _exit(1);
        usleep(100 * 1000);
        if (write(sv[1], "def", 3) != 3) _exit(1);
        _exit(0);
    }
    char buf[16];
    CHECK(recv(sv[0], buf, 6, MSG_WAITALL) == 6);
    CHECK(memcmp(buf, "abcdef", 6) == 0);
    wait_ok(child);
    // The writer exiting leaves EOF behind; MSG_WAITALL returns what there is.
    close(sv[1]);
    CHECK(recv(sv[0], buf, sizeof buf, MSG_WAITALL) == 0);
    close(sv[0]);
}

static void timeouts(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    struct timeval tv = {0, 200000};
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    char buf[4096];
    double t0 = now();
    CHECK_ERR(recv(sv[0], buf, sizeof buf, 0), EAGAIN);
    double dt = now() - t0;
    CHECK(dt > 0.15 && dt < 5, "waited %.3f s", dt);
    // Send side: fill the socket, then a write times out.
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
    memset(buf, 'x', sizeof buf);
    ssize_t n;
    t0 = now();
    while ((n = send(sv[0], buf, sizeof buf, 0)) > 0) {
    }
    CHECK(errno == EAGAIN, "errno %d", errno);
    dt = now() - t0;
    CHECK(dt > 0.15 && dt < 5, "waited %.3f s", dt);
    close(sv[0]);
    close(sv[1]);
}

static void connections(void) {
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "srv");
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + 4;
    int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, len));
    CHECK_OK(listen(l, 0));
    // accept waits for a connect.
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr*)&a, len)) _exit(1);
        _exit(write(c, "hi", 2) == 2 ? 0 : 1);
    }
    int s = CHECK_OK(accept(l, NULL, NULL));
    char buf[4];
    CHECK(read(s, buf, sizeof buf) == 2);
    close(s);
    wait_ok(child);
    // A connect to a full backlog waits until accept makes room.
    int c1 = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(connect(c1, (struct sockaddr*)&a, len)); // fills the backlog of 0 (one fits)
    child = fork();
    if (child == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        double t0 = now();
        if (connect(c, (struct sockaddr*)&a, len)) _exit(1);
        _exit(now() - t0 > 0.05 ? 0 : 2);
    }
    usleep(200 * 1000);
    int s1 = CHECK_OK(accept(l, NULL, NULL));
    int s2 = CHECK_OK(accept(l, NULL, NULL));
    wait_ok(child);
    close(s1);
    close(s2);
    close(c1);
    // SO_RCVTIMEO bounds accept too.
    struct timeval tv = {0, 100000};
    CHECK_OK(setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
    close(l);
}

static volatile sig_atomic_t signals;
static void on_signal(int sig) { signals++; }

static void interrupted(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    char c;
    CHECK_ERR(read(sv[0], &c, 1), EINTR);
    CHECK(signals == 1);
    wait_ok(child);
    // With SA_RESTART the read goes on and gets the data written after the signal.
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        kill(parent, SIGUSR1);
        usleep(100 * 1000);
        _exit(write(sv[1], "r", 1) == 1 ? 0 : 1);
    }
    CHECK(read(sv[0], &c, 1) == 1 && c == 'r');
    CHECK(signals == 2);
    wait_ok(child);
    close(sv[0]);
    close(sv[1]);
}

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { sigpipes++; }

static void broken(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_sigpipe;
    CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    close(sv[1]);
    CHECK_ERR(write(sv[0], "x", 1), EPIPE);
    CHECK(sigpipes == 1);
    CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK(sigpipes == 1);
    close(sv[0]);
    // Our own SHUT_WR: EPIPE and SIGPIPE too; the peer reads EOF.
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    CHECK_ERR(send(sv[0], "x", 1, 0), EPIPE);
    CHECK(sigpipes == 2);
    char c;
    CHECK(read(sv[1], &c, 1) == 0);
    CHECK(write(sv[1], "y", 1) == 1); // the other direction still works
    CHECK(read(sv[0], &c, 1) == 1);
    // The peer's SHUT_RD: our writes fail.
    CHECK_OK(shutdown(sv[1], SHUT_RD));
    CHECK_OK(shutdown(sv[0], SHUT_RDWR));
    CHECK_ERR(send(sv[1], "z", 1, MSG_NOSIGNAL), EPIPE);
    close(sv[0]);
    close(sv[1]);
    // Seqpacket and datagram sockets say EPIPE without a signal.
    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    close(sv[1]);
    CHECK_ERR(send(sv[0], "x", 1, 0), EPIPE);
    close(sv[0]);
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    CHECK_ERR(send(sv[0], "x", 1, 0), EPIPE);
    CHECK(sigpipes == 2, "sigpipes %d", sigpipes);
    close(sv[0]);
    close(sv[1]);
}

int main(void) {
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    reads();
    timeouts();
    connections();
    interrupted();
    broken();
    return 0;
}
