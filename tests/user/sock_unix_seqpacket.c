// SOCK_SEQPACKET through listen/accept: a connection that keeps message boundaries
// (MSG_TRUNC, MSG_EOR on reads), ignores send addresses, ends with EOF (0) for the
// reader and EPIPE for a writer; sendmmsg/recvmmsg move several messages at once.
// SYSCALLS: socket, bind, listen, connect, accept, sendmsg, recvmsg, sendmmsg, recvmmsg
#define _GNU_SOURCE
#include "lvtest.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chdir(dir));
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    strcpy(a.sun_path, "sp");
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 3;
    int l = CHECK_OK(socket(AF_UNIX, SOCK_SEQPACKET, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, alen));
    CHECK_OK(listen(l, 2));
    int c = CHECK_OK(socket(AF_UNIX, SOCK_SEQPACKET, 0));
    CHECK_OK(connect(c, (struct sockaddr*)&a, alen));
    int s = CHECK_OK(accept(l, NULL, NULL));

    char buf[64];
    CHECK(send(c, "first", 5, 0) == 5);
    CHECK(sendto(c, "second", 6, 0, (struct sockaddr*)&a, alen) == 6); // the address is ignored
    CHECK(recv(s, buf, sizeof buf, 0) == 5);
    struct iovec iov = {buf, 3};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(recvmsg(s, &m, 0) == 3);
    CHECK((m.msg_flags & MSG_TRUNC) && memcmp(buf, "sec", 3) == 0, "flags %x", m.msg_flags);

    // Several messages in one call each way.
    struct mmsghdr mm[3];
    struct iovec iovs[3];
    const char* words[3] = {"alpha", "be", "gamma!"};
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
        iovs[i].iov_base = (void*)words[i];
        iovs[i].iov_len = strlen(words[i]);
        mm[i].msg_hdr.msg_iov = &iovs[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK(sendmmsg(s, mm, 3, 0) == 3);
    for (int i = 0; i < 3; i++) CHECK(mm[i].msg_len == strlen(words[i]));
    char bufs[4][16];
    struct iovec riov[4];
    struct mmsghdr rm[4];
    memset(rm, 0, sizeof rm);
    for (int i = 0; i < 4; i++) {
        riov[i].iov_base = bufs[i];
        riov[i].iov_len = sizeof bufs[i];
        rm[i].msg_hdr.msg_iov = &riov[i];
        rm[i].msg_hdr.msg_iovlen = 1;
    }
    // MSG_WAITFORONE: wait for the first, take what else is there.
    CHECK(recvmmsg(c, rm, 4, MSG_WAITFORONE, NULL) == 3);
    for (int i = 0; i < 3; i++) CHECK(rm[i].msg_len == strlen(words[i]) && memcmp(bufs[i], words[i], rm[i].msg_len) == 0);
    // A timeout with nothing there and a non-blocking call: EAGAIN, nothing received.
    struct timespec ts = {0, 1000000};
    CHECK_ERR(recvmmsg(c, rm, 4, MSG_DONTWAIT, &ts), EAGAIN);

    // The end: EOF for the reader, EPIPE for the writer.
    close(s);
    CHECK(recv(c, buf, sizeof buf, 0) == 0);
    CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
    close(c);
    close(l);
    return 0;
}
