// epoll_create/epoll_create1 and epoll_ctl/epoll_wait argument checks, in Linux's order:
// EINVAL (size, flags, op, itself, not an epoll, EPOLLEXCLUSIVE misuse, maxevents),
// EBADF, EPERM for files that cannot be waited on (regular files, directories,
// /dev/null), EEXIST, ENOENT, ELOOP for epolls nested in a cycle, EFAULT (the event
// stays queued), and a null buffer being fine while nothing is ready.
// SYSCALLS: epoll_create1, epoll_create, epoll_ctl, epoll_wait, epoll_pwait, eventfd2, fcntl
#include "lvtest.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    CHECK_ERR(epoll_create1(1), EINVAL);
    int ep = CHECK_OK(epoll_create1(EPOLL_CLOEXEC));
    CHECK(fcntl(ep, F_GETFD) == FD_CLOEXEC);
    int ep2 = CHECK_OK(epoll_create1(0));
    CHECK(fcntl(ep2, F_GETFD) == 0);
#ifdef SYS_epoll_create
    CHECK(syscall(SYS_epoll_create, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_epoll_create, -1) == -1 && errno == EINVAL);
    int ep3 = CHECK_OK(syscall(SYS_epoll_create, 1));
    CHECK_OK(close(ep3));
#endif
    int efd = CHECK_OK(eventfd(0, 0));
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 42};
    volatile uintptr_t bad = 8;

    // Bad descriptors, then files that cannot be waited on.
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
    CHECK_ERR(epoll_ctl(999, EPOLL_CTL_ADD, efd, &ev), EBADF);
    int reg = CHECK_OK(open("/proc/self/exe", O_RDONLY));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, reg, &ev), EPERM);
    CHECK_ERR(epoll_ctl(efd, EPOLL_CTL_ADD, reg, &ev), EPERM); // EPERM comes before "not an epoll"
    int dir = CHECK_OK(open("/", O_RDONLY | O_DIRECTORY));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, dir, &ev), EPERM);
    int null = CHECK_OK(open("/dev/null", O_RDWR));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, null, &ev), EPERM);
    int urandom = CHECK_OK(open("/dev/urandom", O_RDONLY));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, urandom, &ev), EPERM);
    int random = CHECK_OK(open("/dev/random", O_RDONLY)); // /dev/random can be polled
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, random, &ev));
    CHECK(epoll_wait(ep, &ev, 1, 0) == 1 && ev.events == EPOLLIN);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, random, NULL));
    // Not an epoll, itself, an unknown op, a bad event pointer (unless DEL).
    CHECK_ERR(epoll_ctl(efd, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, 7, efd, &ev), EINVAL);
    CHECK_ERR(epoll_ctl(ep, 7, efd, (struct epoll_event*)bad), EFAULT);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, efd, (struct epoll_event*)bad), EFAULT);
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, efd, (struct epoll_event*)bad), ENOENT);

    // ADD twice: EEXIST; MOD/DEL of nothing: ENOENT.
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev), ENOENT);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), EEXIST);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev));
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL), ENOENT);

    // EPOLLEXCLUSIVE: ADD only, with in/out/err/hup/et only, never on an epoll.
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), EINVAL);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev), EINVAL);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev), EINVAL);
    ev.events = EPOLLIN;
    CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, efd, &ev), EINVAL); // it was added exclusive
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL));

    // Nesting: ep2 inside ep is fine, ep inside ep2 would be a cycle.
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev));
    CHECK_ERR(epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev), ELOOP);
    int ep4 = CHECK_OK(epoll_create1(0));
    CHECK_OK(epoll_ctl(ep2, EPOLL_CTL_ADD, ep4, &ev));
    CHECK_ERR(epoll_ctl(ep4, EPOLL_CTL_ADD, ep, &ev), ELOOP);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, ep2, NULL));
    CHECK_OK(epoll_ctl(ep4, EPOLL_CTL_ADD, ep, &ev)); // no cycle any more

    // epoll_wait: maxevents, the fd, a null buffer with nothing ready.
    struct epoll_event out[4];
    CHECK_ERR(epoll_wait(ep, out, 0, 0), EINVAL);
    CHECK_ERR(epoll_wait(ep, out, -1, 0), EINVAL);
    CHECK_ERR(epoll_wait(999, out, 4, 0), EBADF);
    CHECK_ERR(epoll_wait(efd, out, 4, 0), EINVAL);
#ifdef __x86_64__ // (qemu-aarch64, which runs the aarch64 builds on the host, checks it itself)
    CHECK(epoll_wait(ep, NULL, 1, 0) == 0);
#endif
    // An event and a bad buffer: EFAULT, and the event is still there afterwards.
    ev = (struct epoll_event) {.events = EPOLLIN, .data.u64 = 7};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev));
    uint64_t one = 1;
    CHECK(write(efd, &one, 8) == 8);
    CHECK_ERR(epoll_wait(ep, (struct epoll_event*)bad, 1, 0), EFAULT);
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 7);
    // epoll_pwait: the sigset size must be 8.
    CHECK(syscall(SYS_epoll_pwait, ep, out, 4, 0, out, 4) == -1 && errno == EINVAL);
    // read/write on an epoll: EINVAL; reopening it through /proc: ENXIO.
    char buf[8];
    CHECK_ERR(read(ep, buf, 8), EINVAL);
    CHECK_ERR(write(ep, buf, 8), EINVAL);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", ep);
    CHECK_ERR(open(path, O_RDONLY), ENXIO);
    char link[64] = {0};
    CHECK(readlink(path, link, sizeof link - 1) > 0 && strcmp(link, "anon_inode:[eventpoll]") == 0, "%s", link);
    return 0;
}
