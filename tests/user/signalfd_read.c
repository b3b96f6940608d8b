// signalfd: blocked signals in the mask are read as struct signalfd_siginfo (128 bytes,
// several per read if the buffer holds them) instead of being delivered: signo, code,
// sender pid and uid; poll and epoll see them pending; reads block until one comes (EAGAIN
// when non-blocking, EINVAL under 128 bytes); SIGCHLD is queued for it although its
// default action ignores it; signalfd on an existing fd changes the mask.
// SYSCALLS: signalfd4, signalfd, read, rt_sigprocmask, kill, tgkill, poll, epoll_wait, fork, wait4
#include "lvtest.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    sigaddset(&mask, SIGUSR2);
    sigaddset(&mask, SIGCHLD);
    CHECK_OK(sigprocmask(SIG_BLOCK, &mask, NULL));
    int fd = CHECK_OK(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC && (fcntl(fd, F_GETFL) & O_NONBLOCK));
    struct signalfd_siginfo si[4];
    CHECK(sizeof si[0] == 128);
    CHECK_ERR(read(fd, si, sizeof si), EAGAIN);
    CHECK_ERR(read(fd, si, 127), EINVAL);

    struct pollfd p = {fd, POLLIN, 0};
    CHECK(poll(&p, 1, 0) == 0);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN);
    CHECK_OK(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2));
    // Two signals, one read: the thread's own (SIGUSR2, SI_TKILL) first, then the process's.
    CHECK(read(fd, si, sizeof si) == 256);
    CHECK(si[0].ssi_signo == SIGUSR2 && si[0].ssi_code == SI_TKILL, "signo %u code %d", si[0].ssi_signo,
          si[0].ssi_code);
    CHECK(si[1].ssi_signo == SIGUSR1 && si[1].ssi_code == SI_USER);
    CHECK(si[1].ssi_pid == (uint32_t)getpid() && si[1].ssi_uid == getuid());
    CHECK(poll(&p, 1, 0) == 0, "read dequeued them");
    sigset_t pending;
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGUSR1) && !sigismember(&pending, SIGUSR2));

    // SIGCHLD from a child's exit is queued (it is blocked), and epoll sees it.
    int ep = CHECK_OK(epoll_create1(0));
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
    pid_t c = CHECK_OK(fork());
    if (c == 0) _exit(3);
    CHECK(epoll_wait(ep, &ev, 1, 5000) == 1 && ev.data.fd == fd);
    CHECK(read(fd, si, sizeof si) == 128 && si[0].ssi_signo == SIGCHLD, "signo %u", si[0].ssi_signo);
    int st;
    CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 3);

    // A blocking read waits for a signal sent later by a child.
    int bfd = CHECK_OK(signalfd(-1, &mask, 0));
    pid_t parent = getpid();
    c = CHECK_OK(fork());
    if (c == 0) {
        struct timespec d = {0, 50 * 1000000};
        nanosleep(&d, NULL);
        kill(parent, SIGUSR2);
        _exit(0);
    }
    CHECK(read(bfd, si, 128) == 128 && si[0].ssi_signo == SIGUSR2 && si[0].ssi_pid == (uint32_t)c);
    CHECK(waitpid(c, &st, 0) == c);
    CHECK(read(fd, si, sizeof si) == 128 && si[0].ssi_signo == SIGCHLD);

    // A new mask through the same fd: SIGUSR1 is no longer for it.
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    CHECK(signalfd(fd, &only2, 0) == fd);
    CHECK_OK(raise(SIGUSR1));
    CHECK_ERR(read(fd, si, sizeof si), EAGAIN);
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1));

    // Errors: flags, the mask size, not a signalfd.
    CHECK(syscall(SYS_signalfd4, -1, &mask, 8, O_APPEND) == -1 && errno == EINVAL);
#ifdef __x86_64__ // (qemu-aarch64, which runs the aarch64 builds on the host, ignores the size)
    CHECK(syscall(SYS_signalfd4, -1, &mask, 4, 0) == -1 && errno == EINVAL);
#endif
    CHECK(syscall(SYS_signalfd4, ep, &mask, 8, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_signalfd4, 999, &mask, 8, 0) == -1 && errno == EBADF);
#ifdef SYS_signalfd
    int old = CHECK_OK(syscall(SYS_signalfd, -1, &mask, 8));
    CHECK(read(old, si, sizeof si) == 128 && si[0].ssi_signo == SIGUSR1);
#endif
    return 0;
}
