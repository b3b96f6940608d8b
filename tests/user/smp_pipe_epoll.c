// Pipes written from several threads at once (on as many CPUs as there are) while one
// thread collects everything through epoll, then through poll: records of at most
// PIPE_BUF bytes arrive whole and in each writer's order, nothing is lost or doubled,
// and every pipe reports end of file once its last writer is gone.
// SYSCALLS: pipe2, read, write, epoll_create1, epoll_ctl, epoll_wait, poll, clone, close
// TIMEOUT: 120
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>

#define PIPES 4
#define WRITERS 2 // per pipe
#define RECORDS 1500
#define RECORD 128 // bytes, well under PIPE_BUF: each write is atomic

struct pipe_state {
    int fd[2];
    int writers_left;
    unsigned char buf[2 * RECORD]; // a partial record carried over between reads
    size_t have;
    unsigned next_seq[WRITERS];
    int eof;
};

struct writer_arg {
    struct pipe_state* p;
    unsigned id;
};

static struct pipe_state pipes[PIPES];

static unsigned char pattern(unsigned id, unsigned seq, size_t i) { return (unsigned char)(id * 31 + seq * 7 + i); }

static void* writer(void* arg) {
    struct writer_arg* a = arg;
    unsigned char rec[RECORD];
    for (unsigned seq = 0; seq < RECORDS; seq++) {
        memcpy(rec, &a->id, sizeof a->id);
        memcpy(rec + 4, &seq, sizeof seq);
        for (size_t i = 8; i < RECORD; i++) rec[i] = pattern(a->id, seq, i);
        // Blocking or not, a write of <= PIPE_BUF bytes goes in whole or not at all.
        for (;;) {
            ssize_t w = write(a->p->fd[1], rec, RECORD);
            if (w == RECORD) break;
            if (w < 0 && errno == EAGAIN) {
                struct pollfd pf = {.fd = a->p->fd[1], .events = POLLOUT};
                poll(&pf, 1, -1);
                continue;
            }
            return (void*)1;
        }
    }
    if (__atomic_sub_fetch(&a->p->writers_left, 1, __ATOMIC_ACQ_REL) == 0) close(a->p->fd[1]);
    return NULL;
}

// Takes what one read brings: whole records are checked (writer id, sequence, contents).
static void consume(struct pipe_state* p, const unsigned char* data, size_t n) {
    while (n > 0) {
        size_t take = RECORD - p->have < n ? RECORD - p->have : n;
        memcpy(p->buf + p->have, data, take);
        p->have += take;
        data += take;
        n -= take;
        if (p->have < RECORD) break;
        unsigned id, seq;
        memcpy(&id, p->buf, sizeof id);
        memcpy(&seq, p->buf + 4, sizeof seq);
        CHECK(id < WRITERS, "writer id %u", id);
        CHECK(seq == p->next_seq[id], "writer %u: record %u after %u", id, seq, p->next_seq[id]);
        for (size_t i = 8; i < RECORD; i++)
            CHECK(p->buf[i] == pattern(id, seq, i), "writer %u record %u: byte %zu torn", id, seq, i);
        p->next_seq[id]++;
        p->have = 0;
    }
}

// Drains a nonblocking read end: 1 at end of file, 0 when empty for now.
static int drain(struct pipe_state* p) {
    unsigned char buf[1000]; // not a multiple of RECORD: records straddle reads
    for (;;) {
        ssize_t r = read(p->fd[0], buf, sizeof buf);
        if (r > 0) {
            consume(p, buf, (size_t)r);
            continue;
        }
        if (r == 0) return 1;
        CHECK(errno == EAGAIN, "read: %s", strerror(errno));
        return 0;
    }
}

static void start(pthread_t* threads, struct writer_arg* args) {
    for (int i = 0; i < PIPES; i++) {
        memset(&pipes[i], 0, sizeof pipes[i]);
        CHECK_OK(pipe2(pipes[i].fd, O_NONBLOCK));
        pipes[i].writers_left = WRITERS;
    }
    for (int i = 0; i < PIPES * WRITERS; i++) {
        args[i] = (struct writer_arg){.p = &pipes[i / WRITERS], .id = (unsigned)(i % WRITERS)};
        CHECK(pthread_create(&threads[i], NULL, writer, &args[i]) == 0);
    }
}

static void finish(pthread_t* threads) {
    for (int i = 0; i < PIPES * WRITERS; i++) {
        void* r;
        CHECK(pthread_join(threads[i], &r) == 0 && r == NULL, "writer %d failed", i);
    }
    for (int i = 0; i < PIPES; i++) {
        CHECK(pipes[i].eof && pipes[i].have == 0, "pipe %d: eof %d, %zu bytes left over", i, pipes[i].eof,
              pipes[i].have);
        for (int w = 0; w < WRITERS; w++)
            CHECK(pipes[i].next_seq[w] == RECORDS, "pipe %d writer %d: %u records", i, w, pipes[i].next_seq[w]);
        close(pipes[i].fd[0]);
    }
}

int main(void) {
    pthread_t threads[PIPES * WRITERS];
    struct writer_arg args[PIPES * WRITERS];

    // Round 1: epoll, level-triggered.
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK_OK(ep);
    start(threads, args);
    for (int i = 0; i < PIPES; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, pipes[i].fd[0], &ev));
    }
    for (int open_pipes = PIPES; open_pipes > 0;) {
        struct epoll_event evs[PIPES];
        int n = epoll_wait(ep, evs, PIPES, 10000);
        CHECK(n > 0, "epoll_wait gave %d with %d pipes open (%s)", n, open_pipes, n < 0 ? strerror(errno) : "timeout");
        for (int k = 0; k < n; k++) {
            struct pipe_state* p = &pipes[evs[k].data.u32];
            CHECK(!p->eof, "an event after end of file");
            if (drain(p)) {
                p->eof = 1;
                open_pipes--;
                CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, p->fd[0], NULL));
            }
        }
    }
    finish(threads);
    close(ep);

    // Round 2: poll.
    start(threads, args);
    for (int open_pipes = PIPES; open_pipes > 0;) {
        struct pollfd pf[PIPES];
        for (int i = 0; i < PIPES; i++) pf[i] = (struct pollfd){.fd = pipes[i].eof ? -1 : pipes[i].fd[0], .events = POLLIN};
        int n = poll(pf, PIPES, 10000);
        CHECK(n > 0, "poll gave %d with %d pipes open", n, open_pipes);
        for (int i = 0; i < PIPES; i++) {
            if (!pf[i].revents) continue;
            if (drain(&pipes[i])) {
                pipes[i].eof = 1;
                open_pipes--;
            }
        }
    }
    finish(threads);
    puts("ok");
    return 0;
}
