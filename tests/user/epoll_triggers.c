// epoll readiness: level-triggered registrations report for as long as the file is
// ready, edge-triggered ones once per new event (not again after a partial read, again
// after a new write), EPOLLONESHOT once until EPOLL_CTL_MOD re-arms it; EPOLLHUP and
// EPOLLERR come unasked; maxevents limits a call and ready registrations take turns.
// SYSCALLS: epoll_create1, epoll_ctl, epoll_wait, pipe2, eventfd2
#include "lvtest.h"
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int ep;
static struct epoll_event out[8];

static int wait_now(void) { return epoll_wait(ep, out, 8, 0); }

int main(void) {
    ep = CHECK_OK(epoll_create1(0));
    int p[2];
    CHECK_OK(pipe(p));
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ull};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    CHECK(wait_now() == 0);

    // Level-triggered: reported on every call while data is there.
    CHECK(write(p[1], "abcd", 4) == 4);
    for (int i = 0; i < 3; i++) {
        CHECK(wait_now() == 1, "call %d", i);
        CHECK(out[0].events == EPOLLIN && out[0].data.u64 == 0x1122334455667788ull);
    }
    char buf[8];
    CHECK(read(p[0], buf, 2) == 2);
    CHECK(wait_now() == 1);
    CHECK(read(p[0], buf, 2) == 2);
    CHECK(wait_now() == 0);

    // Edge-triggered: once per write; a partial read brings nothing new.
    ev.events = EPOLLIN | EPOLLET;
    ev.data.fd = p[0];
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK(write(p[1], "abcd", 4) == 4);
    CHECK(wait_now() == 1 && out[0].data.fd == p[0]);
    CHECK(wait_now() == 0);
    CHECK(read(p[0], buf, 1) == 1);
    CHECK(wait_now() == 0, "a read is no new input");
    CHECK(write(p[1], "e", 1) == 1);
    CHECK(wait_now() == 1 && out[0].events == EPOLLIN);
    CHECK(wait_now() == 0);
    CHECK(read(p[0], buf, 8) == 4);

    // One-shot: once, then nothing until MOD re-arms it (which reports at once if ready).
    ev.events = EPOLLIN | EPOLLONESHOT;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(wait_now() == 1);
    CHECK(wait_now() == 0);
    CHECK(write(p[1], "y", 1) == 1);
    CHECK(wait_now() == 0, "a fired one-shot stays quiet");
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK(wait_now() == 1);
    CHECK(read(p[0], buf, 8) == 2);

    // The write end: EPOLLOUT; once the read end is gone, EPOLLERR too (unasked).
    ev.events = EPOLLOUT;
    ev.data.fd = p[1];
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev));
    CHECK(wait_now() == 1 && out[0].data.fd == p[1] && out[0].events == EPOLLOUT);
    // Watching nothing still reports EPOLLHUP on the read end once the writer closes.
    ev.events = EPOLLRDHUP;
    ev.data.fd = p[0];
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
    CHECK(wait_now() == 0);
    CHECK_OK(close(p[1]));
    CHECK(wait_now() == 1 && out[0].events == EPOLLHUP, "events %#x", out[0].events);
    CHECK_OK(close(p[0]));
    CHECK(wait_now() == 0, "closing the only fd ends the registration");

    // Several ready: maxevents caps a call, and level-triggered ones take turns.
    int e[3];
    for (int i = 0; i < 3; i++) {
        e[i] = CHECK_OK(eventfd(1, 0));
        ev.events = EPOLLIN;
        ev.data.u32 = 100 + i;
        CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, e[i], &ev));
    }
    CHECK(wait_now() == 3);
    int seen[3] = {0};
    for (int i = 0; i < 3; i++) {
        CHECK(epoll_wait(ep, out, 1, 0) == 1);
        CHECK(out[0].data.u32 >= 100 && out[0].data.u32 < 103);
        seen[out[0].data.u32 - 100]++;
    }
    CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1, "turns: %d %d %d", seen[0], seen[1], seen[2]);
    // Draining one takes it off the list.
    uint64_t v;
    CHECK(read(e[1], &v, 8) == 8);
    CHECK(wait_now() == 2);
    for (int i = 0; i < 2; i++) CHECK(out[i].data.u32 != 101);
    return 0;
}
