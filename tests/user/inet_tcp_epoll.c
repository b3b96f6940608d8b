// epoll and timeouts on TCP sockets over the loopback interface: a listener is
// readable when a connection waits; a connected socket reports EPOLLOUT at once,
// EPOLLIN (edge-triggered: once per arrival) when data comes, EPOLLRDHUP|EPOLLIN when
// the peer shuts down its side, EPOLLHUP|EPOLLERR after a reset (then SO_ERROR is EPIPE,
// as Linux has it for a connection the peer had half closed); SO_RCVTIMEO makes a
// blocking recv give up with EAGAIN, and accept too.
// SYSCALLS: epoll_create1, epoll_ctl, epoll_wait, setsockopt, accept, recvfrom
#define _GNU_SOURCE
#include "lvtest.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static unsigned wait_events(int ep, int fd, int ms) {
    struct epoll_event ev[4];
    int n = epoll_wait(ep, ev, 4, ms);
    CHECK(n >= 0);
    unsigned got = 0;
    for (int i = 0; i < n; i++)
        if (ev[i].data.fd == fd) got |= ev[i].events;
    return got;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void) {
    int l = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_OK(bind(l, (struct sockaddr*)&a, sizeof a));
    socklen_t len = sizeof a;
    CHECK_OK(getsockname(l, (struct sockaddr*)&a, &len));
    CHECK_OK(listen(l, 4));

    // accept with a receive timeout gives up with EAGAIN.
    struct timeval tv = {0, 200 * 1000};
    CHECK_OK(setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    double t0 = now();
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
    CHECK(now() - t0 >= 0.15, "accept returned after %.3f s", now() - t0);

    int ep = CHECK_OK(epoll_create1(EPOLL_CLOEXEC));
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = l};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev));
    CHECK(wait_events(ep, l, 0) == 0);
    int c = CHECK_OK(socket(AF_INET, SOCK_STREAM, 0));
    CHECK_OK(connect(c, (struct sockaddr*)&a, sizeof a));
    CHECK(wait_events(ep, l, 5000) == EPOLLIN);
    int s = CHECK_OK(accept(l, NULL, NULL));
    CHECK(wait_events(ep, l, 0) == 0);

    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.fd = s;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
    CHECK(wait_events(ep, s, 5000) == EPOLLOUT);
    CHECK(wait_events(ep, s, 0) == 0); // edge-triggered: reported once

    CHECK(send(c, "abc", 3, 0) == 3);
    CHECK(wait_events(ep, s, 5000) & EPOLLIN);
    CHECK(wait_events(ep, s, 0) == 0);
    CHECK(send(c, "d", 1, 0) == 1);
    CHECK(wait_events(ep, s, 5000) & EPOLLIN); // a new arrival is a new edge
    char buf[16];
    CHECK(recv(s, buf, sizeof buf, 0) == 4 && memcmp(buf, "abcd", 4) == 0);

    // SO_RCVTIMEO on a connected socket.
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    t0 = now();
    CHECK_ERR(recv(s, buf, sizeof buf, 0), EAGAIN);
    CHECK(now() - t0 >= 0.15);

    // The peer shuts down its sending side: end of file, reported as RDHUP.
    CHECK_OK(shutdown(c, SHUT_WR));
    unsigned e = wait_events(ep, s, 5000);
    CHECK((e & (EPOLLIN | EPOLLRDHUP)) == (EPOLLIN | EPOLLRDHUP), "events %#x", e);
    CHECK(recv(s, buf, sizeof buf, 0) == 0);

    // Then a reset: hangup and error. The connection was half closed already (we were
    // in CLOSE_WAIT), so Linux's tcp_reset records EPIPE; reads still say end of file.
    struct linger lg = {1, 0};
    CHECK_OK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    CHECK_OK(close(c));
    e = wait_events(ep, s, 5000);
    CHECK((e & (EPOLLHUP | EPOLLERR)) == (EPOLLHUP | EPOLLERR), "events %#x", e);
    CHECK(recv(s, buf, sizeof buf, 0) == 0);
    int err = -1;
    socklen_t elen = sizeof err;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &elen));
    CHECK(err == EPIPE, "SO_ERROR %d", err);
    close(s);
    close(l);
    close(ep);
    return 0;
}
