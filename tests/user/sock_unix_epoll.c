// epoll on AF_UNIX sockets: level- and edge-triggered EPOLLIN, EPOLLRDHUP after the
// peer's SHUT_WR, EPOLLHUP after its close, a listener's pending connection, and a
// datagram sender woken (EPOLLOUT) when the receiver it fills makes room.
// SYSCALLS: epoll_create1, epoll_ctl, epoll_wait, socketpair, socket, bind, listen, connect
#define _GNU_SOURCE
#include "lvtest.h"
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned wait_one(int ep, int ms) {
    struct epoll_event ev;
    int n = epoll_wait(ep, &ev, 1, ms);
    CHECK(n >= 0);
    return n ? ev.events : 0;
}

static void wait_ok(pid_t child) {
    int st;
    CHECK(waitpid(child, &st, 0) == child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %x", st);
}

static void later(int fd, const char* what) {
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        _exit(write(fd, what, strlen(what)) == (ssize_t)strlen(what) ? 0 : 1);
    }
    wait_ok(child);
}

static void stream(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
    int ep = CHECK_OK(epoll_create1(EPOLL_CLOEXEC));
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = sv[0]};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev));
    CHECK(wait_one(ep, 0) == 0);
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        _exit(write(sv[1], "x", 1) == 1 ? 0 : 1);
    }
    CHECK(wait_one(ep, 10000) == EPOLLIN); // woken by the write
    wait_ok(child);
    CHECK(wait_one(ep, 0) == EPOLLIN);     // level-triggered: still there
    char buf[8];
    CHECK(read(sv[0], buf, sizeof buf) == 1);
    CHECK(wait_one(ep, 0) == 0);

    // Edge-triggered: one event per arrival.
    ev.events = EPOLLIN | EPOLLET;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev));
    later(sv[1], "a");
    CHECK(wait_one(ep, 10000) == EPOLLIN);
    CHECK(wait_one(ep, 0) == 0);
    later(sv[1], "b");
    CHECK(wait_one(ep, 10000) == EPOLLIN);
    CHECK(read(sv[0], buf, sizeof buf) == 2);

    ev.events = EPOLLIN | EPOLLRDHUP;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev));
    CHECK_OK(shutdown(sv[1], SHUT_WR));
    CHECK(wait_one(ep, 1000) == (EPOLLIN | EPOLLRDHUP));
    close(sv[1]);
    CHECK(wait_one(ep, 1000) == (EPOLLIN | EPOLLRDHUP | EPOLLHUP));
    close(sv[0]);
    close(ep);
}

static void listener(void) {
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "ep");
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + 3;
    int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, len));
    CHECK_OK(listen(l, 4));
    int ep = CHECK_OK(epoll_create1(0));
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = l};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev));
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        _exit(connect(c, (struct sockaddr*)&a, len) == 0 ? 0 : 1);
    }
    CHECK(wait_one(ep, 10000) == EPOLLIN);
    wait_ok(child);
    close(CHECK_OK(accept(l, NULL, NULL)));
    CHECK(wait_one(ep, 0) == 0);
    close(ep);
    close(l);
}

static void dgram_room(void) {
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "dq");
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + 3;
    int r = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(bind(r, (struct sockaddr*)&a, len));
    int s = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(connect(s, (struct sockaddr*)&a, len));
    while (send(s, "m", 1, MSG_DONTWAIT) == 1) {
    }
    CHECK(errno == EAGAIN);
    int ep = CHECK_OK(epoll_create1(0));
    struct epoll_event ev = {.events = EPOLLOUT, .data.fd = s};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
    CHECK(wait_one(ep, 0) == 0);
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        char c;
        _exit(recv(r, &c, 1, 0) == 1 ? 0 : 1);
    }
    CHECK(wait_one(ep, 10000) == EPOLLOUT);
    wait_ok(child);
    close(ep);
    close(s);
    close(r);
}

int main(void) {
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    stream();
    listener();
    dgram_room();
    return 0;
}
