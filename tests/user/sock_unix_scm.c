// Ancillary data on AF_UNIX sockets: SCM_RIGHTS passes open files (they work on the
// other side, MSG_CMSG_CLOEXEC, files dropped without a control buffer, MSG_PEEK duplicates, a stream read stops after a
// message with files); SCM_CREDENTIALS with SO_PASSCRED (implicit, explicit, checks:
// EINVAL, ESRCH).
// SYSCALLS: socketpair, sendmsg, recvmsg, setsockopt
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static ssize_t send_fds(int s, const char* data, size_t len, const int* fds, int n) {
    union {
        char buf[CMSG_SPACE(8 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {(void*)data, len};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    if (n) {
        memset(&u, 0, sizeof u);
        m.msg_control = u.buf;
        m.msg_controllen = CMSG_SPACE(n * sizeof(int));
        struct cmsghdr* c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(n * sizeof(int));
        memcpy(CMSG_DATA(c), fds, n * sizeof(int));
    }
    return sendmsg(s, &m, 0);
}

// Receives into buf; returns the byte count, fills fds (up to *n) and msg_flags.
static ssize_t recv_fds(int s, char* buf, size_t len, int* fds, int* n, size_t ctl_room, int flags, int* mflags) {
    union {
        char buf[256];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {buf, len};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl_room ? u.buf : NULL;
    m.msg_controllen = ctl_room;
    ssize_t r = recvmsg(s, &m, flags);
    if (r < 0) return r;
    int got = 0;
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        CHECK(c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS);
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        memcpy(fds + got, CMSG_DATA(c), k * sizeof(int));
        got += k;
    }
    *n = got;
    if (mflags) *mflags = m.msg_flags;
    return r;
}

static void rights(void) {
    int sv[2], p[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(pipe(p));
    int file = CHECK_OK(open("/tmp", O_RDONLY | O_DIRECTORY));
    int pass[2] = {p[1], file};
    CHECK(send_fds(sv[0], "ab", 2, pass, 2) == 2);
    CHECK(send(sv[0], "cd", 2, 0) == 2);
    char buf[16];
    int fds[8], n, fl;
    // The read stops after the bytes that carried files.
    CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 256, MSG_CMSG_CLOEXEC, &fl) == 2);
    CHECK(n == 2, "n %d", n);
    CHECK(fl & MSG_CMSG_CLOEXEC, "flags %x", fl); // Linux leaves it in msg_flags
    CHECK(!(fl & MSG_CTRUNC));
    CHECK(fds[0] != p[1] && fds[1] != file);
    CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
    CHECK(write(fds[0], "via", 3) == 3); // the passed write end of the pipe
    CHECK(read(p[0], buf, sizeof buf) == 3 && memcmp(buf, "via", 3) == 0);
    struct stat a, b;
    CHECK_OK(fstat(fds[1], &a));
    CHECK_OK(fstat(file, &b));
    CHECK(a.st_ino == b.st_ino && S_ISDIR(a.st_mode));
    CHECK(recv(sv[1], buf, sizeof buf, 0) == 2 && memcmp(buf, "cd", 2) == 0);
    close(fds[0]);
    close(fds[1]);

    // PEEK gives copies; the read after it gives them again.
    CHECK(send_fds(sv[0], "y", 1, pass, 1) == 1);
    CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 256, MSG_PEEK, NULL) == 1 && n == 1);
    close(fds[0]);
    CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 256, 0, NULL) == 1 && n == 1);
    close(fds[0]);

    // Without a control buffer the files are dropped: once the last write end is
    // gone, the pipe reader sees EOF. (MSG_CTRUNC: sock_unix_ctrunc.c)
    CHECK(send_fds(sv[0], "z", 1, pass, 1) == 1);
    close(p[1]);
    CHECK(recv_fds(sv[1], buf, sizeof buf, fds, &n, 0, 0, NULL) == 1);
    CHECK(n == 0);
    CHECK(read(p[0], buf, sizeof buf) == 0);

    // Bad descriptors (malformed messages: sock_unix_cmsg.c).
    int bad = 999;
    CHECK_ERR(send_fds(sv[0], "b", 1, &bad, 1), EBADF);
    close(file);
    close(p[0]);
    close(sv[0]);
    close(sv[1]);
}

static ssize_t send_creds(int s, const struct ucred* cr) {
    union {
        char buf[CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {"c", 1};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof *cr);
    memcpy(CMSG_DATA(c), cr, sizeof *cr);
    return sendmsg(s, &m, 0);
}

static int recv_creds(int s, struct ucred* out) {
    union {
        char buf[256];
        struct cmsghdr align;
    } u;
    char b[8];
    struct iovec iov = {b, sizeof b};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    CHECK(recvmsg(s, &m, 0) >= 0);
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    if (!c) return 0;
    CHECK(c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS);
    CHECK(c->cmsg_len == CMSG_LEN(sizeof *out));
    memcpy(out, CMSG_DATA(c), sizeof *out);
    CHECK(CMSG_NXTHDR(&m, c) == NULL);
    return 1;
}

static void credentials(void) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    struct ucred cr;
    // Queued before SO_PASSCRED: no credentials were attached; Linux reports pid 0
    // and the overflow ids.
    CHECK(send(sv[0], "a", 1, 0) == 1);
    int on = 1;
    CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    CHECK(recv_creds(sv[1], &cr) == 1);
    CHECK(cr.pid == 0 && cr.uid == 65534 && cr.gid == 65534, "%d %u %u", cr.pid, cr.uid, cr.gid);
    // Now the kernel attaches the sender's.
    CHECK(send(sv[0], "b", 1, 0) == 1);
    CHECK(recv_creds(sv[1], &cr) == 1);
    CHECK(cr.pid == getpid() && cr.uid == getuid() && cr.gid == getgid());
    // Explicit ones are checked, then delivered.
    struct ucred mine = {getpid(), getuid(), getgid()};
    CHECK(send_creds(sv[0], &mine) == 1);
    CHECK(recv_creds(sv[1], &cr) == 1 && cr.pid == getpid());
    struct ucred badid = {getpid(), (uid_t)-1, getgid()};
    CHECK_ERR(send_creds(sv[0], &badid), EINVAL);
    pid_t child = fork();
    if (child == 0) _exit(0);
    CHECK(waitpid(child, NULL, 0) == child);
    struct ucred gone = {child, getuid(), getgid()};
    CHECK_ERR(send_creds(sv[0], &gone), ESRCH);
    // Without SO_PASSCRED nothing is reported.
    on = 0;
    CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    CHECK(send(sv[0], "c", 1, 0) == 1);
    CHECK(recv_creds(sv[1], &cr) == 0);
    close(sv[0]);
    close(sv[1]);
}

int main(void) {
    rights();
    credentials();
    return 0;
}
