// AF_UNIX and credentials, seen from an unprivileged child (setuid to 1000): claiming
// another pid or uid in SCM_CREDENTIALS is EPERM; connecting needs write permission on
// the socket file (EACCES); SO_PEERCRED and the attached SCM_CREDENTIALS name the
// child's ids; ETOOMANYREFS is not hit by a few descriptors.
// SYSCALLS: socketpair, socket, bind, listen, connect, accept, sendmsg, recvmsg, getsockopt, setuid, setgid
#define _GNU_SOURCE
#include "lvtest.h"
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int send_creds(int s, pid_t pid, uid_t uid, gid_t gid) {
    union {
        char buf[CMSG_SPACE(sizeof(struct ucred))];
        struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct ucred cr = {pid, uid, gid};
    struct iovec iov = {"c", 1};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_CREDENTIALS;
    c->cmsg_len = CMSG_LEN(sizeof cr);
    memcpy(CMSG_DATA(c), &cr, sizeof cr);
    return (int)sendmsg(s, &m, 0);
}

static void child(int s, const struct sockaddr_un* a, socklen_t alen) {
    CHECK_OK(setgid(1000));
    CHECK_OK(setuid(1000));
    pid_t me = getpid();
    CHECK_ERR(send_creds(s, getppid(), 1000, 1000), EPERM); // not our pid
    CHECK_ERR(send_creds(s, me, 0, 1000), EPERM);           // not our uid
    CHECK_ERR(send_creds(s, me, 1000, 0), EPERM);           // not our gid
    CHECK(send_creds(s, me, 1000, 1000) == 1);
    CHECK(send(s, "i", 1, 0) == 1); // the kernel attaches our ids (the parent has SO_PASSCRED)
    // The socket file is root's, mode 0755: no write permission for us.
    int c = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_ERR(connect(c, (const struct sockaddr*)a, alen), EACCES);
    CHECK(send(s, "r", 1, 0) == 1);
    char go;
    CHECK(recv(s, &go, 1, 0) == 1); // the parent has made it 0777
    CHECK_OK(connect(c, (const struct sockaddr*)a, alen));
    struct ucred cr;
    socklen_t len = sizeof cr;
    CHECK_OK(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len));
    CHECK(cr.pid == getppid() && cr.uid == 0 && cr.gid == 0); // the listener is root's
    CHECK(write(c, "ok", 2) == 2);
    exit(0);
}

static struct ucred recv_creds(int s) {
    union {
        char buf[256];
        struct cmsghdr align;
    } u;
    char b;
    struct iovec iov = {&b, 1};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    CHECK(recvmsg(s, &m, 0) == 1);
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    CHECK(c && c->cmsg_type == SCM_CREDENTIALS);
    struct ucred cr;
    memcpy(&cr, CMSG_DATA(c), sizeof cr);
    return cr;
}

int main(void) {
    if (geteuid() != 0) return 0; // the test needs root to become someone else
    char dir[] = "/tmp/lvsockXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_OK(chmod(dir, 0755));
    CHECK_OK(chdir(dir));
    umask(022);
    struct sockaddr_un a = {0};
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s/srv", dir);
    socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1);
    int l = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(l, (struct sockaddr*)&a, alen));
    CHECK_OK(listen(l, 2));
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    int on = 1;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    pid_t pid = fork();
    if (pid == 0) child(sv[1], &a, alen);
    struct ucred cr = recv_creds(sv[0]);
    CHECK(cr.pid == pid && cr.uid == 1000 && cr.gid == 1000, "%d %u %u", cr.pid, cr.uid, cr.gid);
    cr = recv_creds(sv[0]);
    CHECK(cr.pid == pid && cr.uid == 1000 && cr.gid == 1000, "%d %u %u", cr.pid, cr.uid, cr.gid);
    char r;
    CHECK(recv(sv[0], &r, 1, 0) == 1 && r == 'r'); // the child has been refused
    CHECK_OK(chmod("srv", 0777));
    CHECK(send(sv[0], "g", 1, 0) == 1);
    int s = CHECK_OK(accept(l, NULL, NULL));
    socklen_t len = sizeof cr;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len));
    CHECK(cr.pid == pid && cr.uid == 1000 && cr.gid == 1000, "%d %u %u", cr.pid, cr.uid, cr.gid);
    char buf[4];
    CHECK(read(s, buf, sizeof buf) == 2);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %x", st);
    return 0;
}
