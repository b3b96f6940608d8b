// AF_UNIX abstract names (a leading NUL byte, the length says where the name ends, no
// file is made), separate per socket type; autobind (binding just the family, or
// sending/connecting with SO_PASSCRED set) picks "\0" and five hex digits; ECONNRESET
// for a stream whose peer closed with data unread.
// SYSCALLS: socket, bind, listen, connect, accept, getsockname, sendto, recvfrom, setsockopt
#define _GNU_SOURCE
#include "lvtest.h"
#include <ctype.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t abstract(struct sockaddr_un* a, const char* name, size_t len) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    memcpy(a->sun_path + 1, name, len);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

static void check_autobound(int s) {
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    CHECK_OK(getsockname(s, (struct sockaddr*)&a, &len));
    CHECK(len == offsetof(struct sockaddr_un, sun_path) + 6, "len %u", len);
    CHECK(a.sun_path[0] == 0);
    for (int i = 1; i < 6; i++) CHECK(isxdigit((unsigned char)a.sun_path[i]) && !isupper((unsigned char)a.sun_path[i]));
}

static void names(void) {
    struct sockaddr_un a, b;
    // A tag unique to this run: abstract names are global on a host.
    char name[32];
    int n = snprintf(name, sizeof name, "lvtest-%d", getpid());
    socklen_t alen = abstract(&a, name, (size_t)n);
    int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, alen));
    CHECK_OK(listen(l, 1));
    socklen_t len = sizeof b;
    CHECK_OK(getsockname(l, (struct sockaddr*)&b, &len));
    CHECK(len == alen && memcmp(&a, &b, alen) == 0, "len %u", len);
    // Taken for streams; free for datagrams.
    int x = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_ERR(bind(x, (struct sockaddr*)&a, alen), EADDRINUSE);
    int d = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(bind(d, (struct sockaddr*)&a, alen));
    // The length is part of the name: one byte less is another name.
    CHECK_ERR(connect(x, (struct sockaddr*)&a, alen - 1), ECONNREFUSED);
    CHECK_OK(connect(x, (struct sockaddr*)&a, alen));
    int s = CHECK_OK(accept(l, (struct sockaddr*)&b, &len));
    CHECK(write(x, "abs", 3) == 3);
    char buf[8];
    CHECK(read(s, buf, sizeof buf) == 3);
    // Unbound when closed: the name can be taken again.
    close(l);
    l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, alen));
    close(l);
    close(s);
    close(x);
    close(d);
    // A name nobody has.
    alen = abstract(&a, "lvtest-nobody-here", 18);
    x = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_ERR(sendto(x, "x", 1, 0, (struct sockaddr*)&a, alen), ECONNREFUSED);
    close(x);
}

static void autobind(void) {
    // bind() with just the family.
    int s = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    CHECK_OK(bind(s, (struct sockaddr*)&a, sizeof(sa_family_t)));
    check_autobound(s);
    // A second one gets a name of its own; the first is reachable by its name.
    int t = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    struct sockaddr_un sa;
    socklen_t salen = sizeof sa;
    CHECK_OK(getsockname(s, (struct sockaddr*)&sa, &salen));
    int on = 1;
    // With SO_PASSCRED, sending autobinds the sender, so the receiver sees a name.
    CHECK_OK(setsockopt(t, SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    CHECK(sendto(t, "hi", 2, 0, (struct sockaddr*)&sa, salen) == 2);
    check_autobound(t);
    struct sockaddr_un from, tn;
    socklen_t flen = sizeof from, tlen = sizeof tn;
    char buf[4];
    CHECK(recvfrom(s, buf, sizeof buf, 0, (struct sockaddr*)&from, &flen) == 2);
    CHECK_OK(getsockname(t, (struct sockaddr*)&tn, &tlen));
    CHECK(flen == tlen && memcmp(&from, &tn, flen) == 0);
    CHECK(memcmp(&tn, &sa, tlen) != 0);
    close(s);
    close(t);
}

static void reset(void) {
    // The peer closes with data it never read: our read says ECONNRESET once, then EOF.
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK(write(sv[0], "unread", 6) == 6);
    CHECK(write(sv[1], "for 0", 5) == 5);
    close(sv[1]);
    char buf[8];
    CHECK(read(sv[0], buf, sizeof buf) == 5); // what was sent to us comes first
    CHECK_ERR(read(sv[0], buf, sizeof buf), ECONNRESET);
    CHECK(read(sv[0], buf, sizeof buf) == 0);
    int err = -1;
    socklen_t len = sizeof err;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &len));
    CHECK(err == 0);
    close(sv[0]);
    // SO_ERROR reports (and clears) it too.
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK(write(sv[0], "x", 1) == 1);
    close(sv[1]);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &len));
    CHECK(err == ECONNRESET, "SO_ERROR %d", err);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &err, &len));
    CHECK(err == 0);
    CHECK(read(sv[0], buf, sizeof buf) == 0);
    close(sv[0]);
}

int main(void) {
    names();
    autobind();
    reset();
    return 0;
}
