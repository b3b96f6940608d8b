// AF_UNIX socketpair of each type: data both ways, message boundaries for SOCK_DGRAM
// and SOCK_SEQPACKET (stream data merges), read/write on sockets, FIONREAD, unnamed
// names, fstat S_IFSOCK, SOCK_NONBLOCK/SOCK_CLOEXEC, EOF after close.
// SYSCALLS: socketpair, sendto, recvfrom, getsockname, getpeername, getsockopt, ioctl, fstat, fcntl, readlink
#include "lvtest.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void check_unnamed(int fd) {
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    memset(&a, 0x55, sizeof a);
    CHECK_OK(getsockname(fd, (struct sockaddr*)&a, &len));
    CHECK(len == sizeof(sa_family_t), "len %u", len);
    CHECK(a.sun_family == AF_UNIX);
    len = sizeof a;
    CHECK_OK(getpeername(fd, (struct sockaddr*)&a, &len));
    CHECK(len == sizeof(sa_family_t), "peer len %u", len);
}

static void check_type(int fd, int type) {
    int v = -1;
    socklen_t len = sizeof v;
    CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len));
    CHECK(v == type && len == sizeof v, "SO_TYPE %d", v);
    CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len));
    CHECK(v == AF_UNIX, "SO_DOMAIN %d", v);
    CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len));
    CHECK(v == 0, "SO_PROTOCOL %d", v);
    CHECK_OK(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
    CHECK(v == 0);
}

static void stream_pair(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    check_unnamed(sv[0]);
    check_type(sv[0], SOCK_STREAM);
    struct stat st;
    CHECK_OK(fstat(sv[0], &st));
    CHECK(S_ISSOCK(st.st_mode), "mode %o", st.st_mode);
    // /proc/self/fd names it by its inode number.
    char link[64], want[64], path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
    ssize_t n = readlink(path, link, sizeof link - 1);
    CHECK(n > 0);
    link[n] = 0;
    snprintf(want, sizeof want, "socket:[%lu]", (unsigned long)st.st_ino);
    CHECK(strcmp(link, want) == 0, "%s, not %s", link, want);
    CHECK((fcntl(sv[0], F_GETFL) & O_ACCMODE) == O_RDWR);
    // Stream data merges: two writes, one read.
    CHECK(write(sv[0], "abc", 3) == 3);
    CHECK(send(sv[0], "def", 3, 0) == 3);
    int avail = -1;
    CHECK_OK(ioctl(sv[1], FIONREAD, &avail));
    CHECK(avail == 6, "FIONREAD %d", avail);
    char buf[16] = {0};
    CHECK(read(sv[1], buf, sizeof buf) == 6);
    CHECK(memcmp(buf, "abcdef", 6) == 0);
    // Partial reads of one write.
    CHECK(write(sv[1], "0123456789", 10) == 10);
    CHECK(recv(sv[0], buf, 4, 0) == 4 && memcmp(buf, "0123", 4) == 0);
    CHECK(recv(sv[0], buf, sizeof buf, 0) == 6 && memcmp(buf, "456789", 6) == 0);
    // A zero-length read returns 0 without waiting.
    CHECK(read(sv[0], buf, 0) == 0);
    // EOF once the peer is closed.
    CHECK(write(sv[1], "x", 1) == 1);
    CHECK_OK(close(sv[1]));
    CHECK(read(sv[0], buf, sizeof buf) == 1);
    CHECK(read(sv[0], buf, sizeof buf) == 0);
    CHECK(recv(sv[0], buf, sizeof buf, MSG_DONTWAIT) == 0);
    CHECK_OK(close(sv[0]));
}

static void message_pair(int type) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, type, 0, sv));
    check_unnamed(sv[1]);
    check_type(sv[1], type);
    CHECK(send(sv[0], "one", 3, 0) == 3);
    CHECK(write(sv[0], "three", 5) == 5);
    CHECK(send(sv[0], "", 0, 0) == 0); // an empty message is a message
    int n = -1;
    CHECK_OK(ioctl(sv[1], FIONREAD, &n));
    if (type == SOCK_DGRAM) CHECK(n == 3, "FIONREAD %d", n); // the next datagram
    else CHECK(n == 8, "FIONREAD %d", n);                    // seqpacket: everything
    char buf[16];
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 3 && memcmp(buf, "one", 3) == 0);
    // A short buffer truncates the message; the rest is gone.
    CHECK(recv(sv[1], buf, 2, 0) == 2 && memcmp(buf, "th", 2) == 0);
    CHECK(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT) == 0);
    CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    // Other direction.
    CHECK(send(sv[1], "back", 4, 0) == 4);
    CHECK(read(sv[0], buf, sizeof buf) == 4 && memcmp(buf, "back", 4) == 0);
    CHECK_OK(close(sv[0]));
    if (type == SOCK_SEQPACKET) CHECK(recv(sv[1], buf, sizeof buf, 0) == 0); // EOF
    else CHECK_ERR(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK_OK(close(sv[1]));
}

static void flags(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
    for (int i = 0; i < 2; i++) {
        CHECK(fcntl(sv[i], F_GETFL) & O_NONBLOCK);
        CHECK(fcntl(sv[i], F_GETFD) & FD_CLOEXEC);
    }
    char c;
    CHECK_ERR(read(sv[0], &c, 1), EAGAIN);
    CHECK_OK(fcntl(sv[0], F_SETFL, 0));
    CHECK(write(sv[1], "z", 1) == 1);
    CHECK(read(sv[0], &c, 1) == 1 && c == 'z');
    close(sv[0]);
    close(sv[1]);
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK(!(fcntl(sv[0], F_GETFL) & O_NONBLOCK));
    CHECK(!(fcntl(sv[0], F_GETFD) & FD_CLOEXEC));
    close(sv[0]);
    close(sv[1]);
}

int main(void) {
    stream_pair();
    message_pair(SOCK_DGRAM);
    message_pair(SOCK_SEQPACKET);
    flags();
    return 0;
}
