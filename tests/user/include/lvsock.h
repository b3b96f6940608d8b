// Helpers for the AF_UNIX tests: sending descriptors with SCM_RIGHTS.
#pragma once
#include "lvtest.h"
#include <sys/socket.h>

// Sends n (at most 4) descriptors with a one-byte message; the send must succeed.
static inline void lv_send_fds(int s, const int* fds, int n) {
    union {
        char buf[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } u;
    CHECK(n >= 1 && n <= 4);
    memset(&u, 0, sizeof u);
    struct iovec iov = {"x", 1};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = CMSG_SPACE(n * sizeof(int));
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n * sizeof(int));
    memcpy(CMSG_DATA(c), fds, n * sizeof(int));
    CHECK(sendmsg(s, &m, 0) == 1);
}
