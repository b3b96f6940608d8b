// AF_UNIX filesystem names: bind makes a socket inode (umask applied, EADDRINUSE when
// the path exists, EINVAL when already bound), connect finds it (ENOENT without the
// file, ECONNREFUSED when nobody listens there, EPROTOTYPE for another type), listen
// and accept, the names each end reports, SO_PEERCRED, the backlog (EAGAIN for a
// non-blocking connect when full), accept4 flags, and unlinking the name.
// SYSCALLS: socket, bind, listen, connect, accept, accept4, getsockname, getpeername, getsockopt
#define _GNU_SOURCE
#include "lvtest.h"
#include <stddef.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t make_addr(struct sockaddr_un* a, const char* path) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static int listener(const char* path, int backlog) {
    struct sockaddr_un a;
    socklen_t len = make_addr(&a, path);
    int s = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(s, (struct sockaddr*)&a, len));
    CHECK_OK(listen(s, backlog));
    return s;
}

static int connect_to(const char* path, int flags) {
    struct sockaddr_un a;
    socklen_t len = make_addr(&a, path);
    int c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM | flags, 0));
    CHECK_OK(connect(c, (struct sockaddr*)&a, len));
    return c;
}

static void names_and_data(void) {
    umask(022);
    int l = listener("srv", 5);
    struct stat st;
    CHECK_OK(stat("srv", &st));
    CHECK(S_ISSOCK(st.st_mode), "mode %o", st.st_mode);
    CHECK((st.st_mode & 0777) == 0755, "perms %o", st.st_mode & 0777);
    int v = 0;
    socklen_t vl = sizeof v;
    CHECK_OK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl));
    CHECK(v == 1);

    int c = connect_to("srv", 0);
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    int s = CHECK_OK(accept(l, (struct sockaddr*)&a, &len));
    CHECK(len == sizeof(sa_family_t), "unnamed client: len %u", len);

    // The accepted socket is named like the listener; the client has no name.
    len = sizeof a;
    CHECK_OK(getsockname(s, (struct sockaddr*)&a, &len));
    CHECK(len == offsetof(struct sockaddr_un, sun_path) + 4 && strcmp(a.sun_path, "srv") == 0, "len %u", len);
    len = sizeof a;
    CHECK_OK(getpeername(c, (struct sockaddr*)&a, &len));
    CHECK(len == offsetof(struct sockaddr_un, sun_path) + 4 && strcmp(a.sun_path, "srv") == 0);
    len = sizeof a;
    CHECK_OK(getsockname(c, (struct sockaddr*)&a, &len));
    CHECK(len == sizeof(sa_family_t));
    len = sizeof a;
    CHECK_OK(getpeername(s, (struct sockaddr*)&a, &len));
    CHECK(len == sizeof(sa_family_t));
    // A short buffer gets a truncated name and the full length.
    len = 3;
    memset(&a, 0, sizeof a);
    CHECK_OK(getsockname(s, (struct sockaddr*)&a, &len));
    CHECK(len == offsetof(struct sockaddr_un, sun_path) + 4 && a.sun_path[0] == 's' && a.sun_path[1] == 0);

    struct ucred cr;
    socklen_t cl = sizeof cr;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &cl));
    CHECK(cl == sizeof cr && cr.pid == getpid() && cr.uid == geteuid() && cr.gid == getegid(), "pid %d", cr.pid);
    CHECK_OK(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl));
    CHECK(cr.pid == getpid());

    char buf[8];
    CHECK(write(c, "ping", 4) == 4);
    CHECK(read(s, buf, sizeof buf) == 4 && memcmp(buf, "ping", 4) == 0);
    CHECK(write(s, "pong", 4) == 4);
    CHECK(read(c, buf, sizeof buf) == 4 && memcmp(buf, "pong", 4) == 0);
    close(c);
    CHECK(read(s, buf, sizeof buf) == 0);
    close(s);

    // Binding an existing path, and a bound socket again.
    struct sockaddr_un b;
    len = make_addr(&b, "srv");
    int x = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_ERR(bind(x, (struct sockaddr*)&b, len), EADDRINUSE);
    len = make_addr(&b, "other");
    CHECK_OK(bind(x, (struct sockaddr*)&b, len));
    len = make_addr(&b, "third");
    CHECK_ERR(bind(x, (struct sockaddr*)&b, len), EINVAL);
    CHECK_ERR(access("third", F_OK), ENOENT); // created, then removed again
    // "other" is bound but not listening: connecting is refused; so is a stream
    // connect to a datagram socket's name (EPROTOTYPE).
    int y = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    len = make_addr(&b, "other");
    CHECK_ERR(connect(y, (struct sockaddr*)&b, len), ECONNREFUSED);
    int d = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    len = make_addr(&b, "dgram");
    CHECK_OK(bind(d, (struct sockaddr*)&b, len));
    CHECK_ERR(connect(y, (struct sockaddr*)&b, len), EPROTOTYPE);
    len = make_addr(&b, "missing");
    CHECK_ERR(connect(y, (struct sockaddr*)&b, len), ENOENT);
    // A regular file is not a socket.
    close(CHECK_OK(open("plain", O_CREAT | O_WRONLY, 0644)));
    len = make_addr(&b, "plain");
    CHECK_ERR(connect(y, (struct sockaddr*)&b, len), ECONNREFUSED);
    // Closing the bound socket leaves a stale file: refused, and the name stays taken.
    close(x);
    len = make_addr(&b, "other");
    CHECK_ERR(connect(y, (struct sockaddr*)&b, len), ECONNREFUSED);
    // Unlinking the listener's name: new connections fail, the listener still works.
    CHECK_OK(unlink("srv"));
    len = make_addr(&b, "srv");
    CHECK_ERR(connect(y, (struct sockaddr*)&b, len), ENOENT);
    close(y);
    close(d);
    close(l);
}

static void backlog(void) {
    int l = listener("bl", 0);
    // Linux lets backlog + 1 connections wait; the next non-blocking one is EAGAIN
    // (AF_UNIX never says EINPROGRESS).
    int c1 = connect_to("bl", 0);
    struct sockaddr_un a;
    socklen_t len = make_addr(&a, "bl");
    int c2 = CHECK_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
    CHECK_ERR(connect(c2, (struct sockaddr*)&a, len), EAGAIN);
    // Data sent before accept() waits for the accepted socket.
    CHECK(write(c1, "early", 5) == 5);
    int s1 = CHECK_OK(accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC));
    CHECK(fcntl(s1, F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(s1, F_GETFD) & FD_CLOEXEC);
    char buf[8];
    CHECK(read(s1, buf, sizeof buf) == 5 && memcmp(buf, "early", 5) == 0);
    CHECK_ERR(read(s1, buf, sizeof buf), EAGAIN);
    // Room again.
    CHECK_OK(connect(c2, (struct sockaddr*)&a, len));
    int s2 = CHECK_OK(accept(l, NULL, NULL));
    CHECK_ERR(connect(c2, (struct sockaddr*)&a, len), EISCONN);
    // Nothing pending: a non-blocking listener says EAGAIN.
    CHECK_OK(fcntl(l, F_SETFL, O_NONBLOCK));
    CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
    // (musl's accept4() retries as accept() on EINVAL: ask the kernel directly)
    CHECK_ERR(syscall(SYS_accept4, l, NULL, NULL, 0x1234), EINVAL);
    // Closing the listener with a connection pending: the client sees ECONNRESET, then EOF.
    int c3 = connect_to("bl", 0);
    close(l);
    CHECK_ERR(read(c3, buf, sizeof buf), ECONNRESET);
    CHECK(read(c3, buf, sizeof buf) == 0);
    close(c1);
    close(c2);
    close(c3);
    close(s1);
    close(s2);
}

static void longest_name(void) {
    // sun_path is 108 bytes; a name filling it has no NUL. Linux still takes it, and
    // reports the length as if the NUL were there (111).
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    memset(a.sun_path, 'n', sizeof a.sun_path);
    int s = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(bind(s, (struct sockaddr*)&a, sizeof a));
    struct sockaddr_un b;
    socklen_t len = sizeof b;
    CHECK_OK(getsockname(s, (struct sockaddr*)&b, &len));
    CHECK(len == sizeof b + 1, "len %u", len);
    CHECK(memcmp(b.sun_path, a.sun_path, sizeof a.sun_path) == 0);
    char path[sizeof a.sun_path + 1];
    memcpy(path, a.sun_path, sizeof a.sun_path);
    path[sizeof a.sun_path] = 0;
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK(S_ISSOCK(st.st_mode));
    int c = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK(sendto(c, "L", 1, 0, (struct sockaddr*)&a, sizeof a) == 1);
    char ch;
    CHECK(recv(s, &ch, 1, 0) == 1 && ch == 'L');
    close(c);
    close(s);
}

int main(void) {
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    names_and_data();
    backlog();
    longest_name();
    return 0;
}
