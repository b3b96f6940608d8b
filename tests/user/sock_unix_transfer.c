// Moving data between processes over AF_UNIX: 4 MiB through a stream socket with a
// small send buffer (writers block until the reader catches up; the bytes arrive
// whole and in order), many datagrams through a small queue, a descriptor passed to a
// child that uses it, and MSG_PEEK across several writes.
// SYSCALLS: socketpair, sendmsg, recvmsg, setsockopt
#define _GNU_SOURCE
#include "lvtest.h"
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (4 << 20)

static unsigned char pattern(size_t i) { return (unsigned char)(i * 7 + (i >> 13)); }

static void wait_ok(pid_t child) {
    int st;
    CHECK(waitpid(child, &st, 0) == child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %x", st);
}

static void stream(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int small = 8192;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small));
    pid_t child = fork();
    if (child == 0) {
        close(sv[1]);
        static unsigned char out[100000];
        size_t done = 0;
        while (done < TOTAL) {
            size_t n = sizeof out < TOTAL - done ? sizeof out : TOTAL - done;
            for (size_t i = 0; i < n; i++) out[i] = pattern(done + i);
            ssize_t w = write(sv[0], out, n);
            if (w <= 0) _exit(1);
            // A blocking stream write takes everything.
            if ((size_t)w != n) _exit(2);
            done += n;
        }
        _exit(0);
    }
    close(sv[0]);
    static unsigned char in[65536];
    size_t got = 0;
    for (;;) {
        ssize_t r = read(sv[1], in, sizeof in);
        CHECK(r >= 0);
        if (r == 0) break;
        for (ssize_t i = 0; i < r; i++)
            if (in[i] != pattern(got + (size_t)i)) LV_FAIL("byte %zu differs", got + (size_t)i);
        got += (size_t)r;
    }
    CHECK(got == TOTAL, "got %zu", got);
    wait_ok(child);
    close(sv[1]);
}

static void datagrams(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    int small = 4096;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small));
    pid_t child = fork();
    if (child == 0) {
        for (int i = 0; i < 2000; i++) {
            char msg[64];
            int n = snprintf(msg, sizeof msg, "message %d", i);
            if (send(sv[0], msg, (size_t)n, 0) != n) _exit(1);
        }
        _exit(0);
    }
    for (int i = 0; i < 2000; i++) {
        char msg[64], want[64];
        int n = snprintf(want, sizeof want, "message %d", i);
        ssize_t r = recv(sv[1], msg, sizeof msg, 0);
        CHECK(r == n && memcmp(msg, want, (size_t)n) == 0, "message %d", i);
    }
    wait_ok(child);
    close(sv[0]);
    close(sv[1]);
}

static void pass_to_child(void) {
    int sv[2], p[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_OK(pipe(p));
    pid_t child = fork();
    if (child == 0) {
        close(p[1]);
        close(p[0]);
        union {
            char buf[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } u;
        char b[8];
        struct iovec iov = {b, sizeof b};
        struct msghdr m = {0};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = u.buf;
        m.msg_controllen = sizeof u.buf;
        if (recvmsg(sv[1], &m, 0) != 4) _exit(1);
        struct cmsghdr* c = CMSG_FIRSTHDR(&m);
        if (!c || c->cmsg_type != SCM_RIGHTS) _exit(2);
        int fd;
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
        _exit(write(fd, "from child", 10) == 10 ? 0 : 3);
    }
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {"pipe", 4};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[1], sizeof(int));
    CHECK(sendmsg(sv[0], &m, 0) == 4);
    close(p[1]);
    char buf[16];
    CHECK(read(p[0], buf, sizeof buf) == 10 && memcmp(buf, "from child", 10) == 0);
    wait_ok(child);
    CHECK(read(p[0], buf, sizeof buf) == 0);
    close(p[0]);
    close(sv[0]);
    close(sv[1]);
}

static void peek(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK(write(sv[0], "abc", 3) == 3);
    CHECK(write(sv[0], "defg", 4) == 4);
    char buf[16];
    CHECK(recv(sv[1], buf, sizeof buf, MSG_PEEK) == 7 && memcmp(buf, "abcdefg", 7) == 0);
    CHECK(recv(sv[1], buf, 5, MSG_PEEK) == 5);
    CHECK(recv(sv[1], buf, 2, 0) == 2 && memcmp(buf, "ab", 2) == 0);
    CHECK(recv(sv[1], buf, sizeof buf, MSG_PEEK) == 5 && memcmp(buf, "cdefg", 5) == 0);
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 5);
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT), EAGAIN);
    close(sv[0]);
    close(sv[1]);
}

int main(void) {
    stream();
    datagrams();
    pass_to_child();
    peek();
    return 0;
}
