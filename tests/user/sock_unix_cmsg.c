// Control message edge cases. recvmsg with too little control buffer for the
// SCM_RIGHTS files that came: as many descriptors as fit are installed, the rest
// closed, and msg_flags says MSG_CTRUNC; with no control buffer at all the files are
// dropped with MSG_CTRUNC too. sendmsg with malformed control messages: EINVAL.
// HOST-QEMU-SKIP: qemu-aarch64 translates control messages itself (no MSG_CTRUNC, other errors for malformed ones)
// SYSCALLS: socketpair, sendmsg, recvmsg
#define _GNU_SOURCE
#include "lvsock.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

static void malformed(int s) {
    char ctl[CMSG_SPACE(sizeof(int))];
    memset(ctl, 0, sizeof ctl);
    struct iovec iov = {"m", 1};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    struct cmsghdr* c = (struct cmsghdr*)ctl;
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = 99; // no such SOL_SOCKET message
    c->cmsg_len = CMSG_LEN(sizeof(int));
    CHECK_ERR(sendmsg(s, &m, 0), EINVAL);
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = sizeof(struct cmsghdr) - 1;
    CHECK_ERR(sendmsg(s, &m, 0), EINVAL);
    c->cmsg_len = sizeof ctl + 8; // longer than the buffer
    CHECK_ERR(sendmsg(s, &m, 0), EINVAL);
    c->cmsg_type = SCM_CREDENTIALS; // wrong size for a struct ucred
    c->cmsg_len = CMSG_LEN(sizeof(int));
    CHECK_ERR(sendmsg(s, &m, 0), EINVAL);
    // Other levels are ignored.
    c->cmsg_level = 12345;
    CHECK(sendmsg(s, &m, 0) == 1);
}

int main(void) {
    int sv[2], p[2], q[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_OK(pipe(p));
    CHECK_OK(pipe(q));
    int pass[2] = {p[1], q[1]};
    lv_send_fds(sv[0], pass, 2);
    close(p[1]);
    close(q[1]);
    union {
        char buf[64];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    char b;
    struct iovec iov = {&b, 1};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = CMSG_LEN(sizeof(int)); // room for one descriptor
    CHECK(recvmsg(sv[1], &m, 0) == 1);
    CHECK(m.msg_flags & MSG_CTRUNC, "flags %x", m.msg_flags);
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    CHECK(c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)));
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    CHECK(write(fd, "!", 1) == 1); // the first one made it
    close(fd);
    char buf[4];
    CHECK(read(p[0], buf, sizeof buf) == 1);
    CHECK(read(p[0], buf, sizeof buf) == 0);
    CHECK(read(q[0], buf, sizeof buf) == 0); // the second was closed
    // No control buffer: everything dropped, MSG_CTRUNC.
    CHECK_OK(pipe(p));
    lv_send_fds(sv[0], &p[1], 1);
    close(p[1]);
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(recvmsg(sv[1], &m, 0) == 1);
    CHECK(m.msg_flags & MSG_CTRUNC, "flags %x", m.msg_flags);
    CHECK(read(p[0], buf, sizeof buf) == 0);
    malformed(sv[0]);
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 1);
    return 0;
}
