// Blocking in epoll_wait: woken by another thread's write, a timeout that runs out,
// EINTR for a handler even with
// SA_RESTART, epoll_pwait's temporary mask, an epoll nested in another (and polled with
// poll(2)) waking its watchers, and stdin (a tty or a pipe) accepted.
// SYSCALLS: epoll_wait, epoll_pwait, epoll_ctl, epoll_create1, poll
#include "lvtest.h"
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int pipe_w;
static long ms_since(const struct timespec* t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}
static void* write_later(void* arg) {
    struct timespec d = {0, 80 * 1000000};
    nanosleep(&d, NULL);
    CHECK(write(pipe_w, "w", 1) == 1);
    return NULL;
}
static volatile sig_atomic_t hits;
static void handler(int sig) { hits++; }

int main(void) {
    int ep = CHECK_OK(epoll_create1(0));
    int p[2];
    CHECK_OK(pipe(p));
    pipe_w = p[1];
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = p[0]}, out[2];
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));

    // A timeout with nothing ready.
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(epoll_wait(ep, out, 2, 50) == 0);
    long took = ms_since(&t0);
    CHECK(took >= 49 && took < 2000, "took %ld ms", took);

    // Woken by another thread.
    pthread_t th;
    CHECK(pthread_create(&th, NULL, write_later, NULL) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(epoll_wait(ep, out, 2, -1) == 1 && out[0].data.fd == p[0]);
    CHECK(ms_since(&t0) >= 40, "returned before the write");
    CHECK(pthread_join(th, NULL) == 0);
    char c;
    CHECK(read(p[0], &c, 1) == 1);

    // An epoll inside another: the outer one reports the inner as readable, poll too,
    // and a blocked outer wait wakes up when the inner one gets an event.
    int outer = CHECK_OK(epoll_create1(0));
    struct epoll_event oev = {.events = EPOLLIN, .data.u32 = 77};
    CHECK_OK(epoll_ctl(outer, EPOLL_CTL_ADD, ep, &oev));
    CHECK(epoll_wait(outer, out, 2, 0) == 0);
    struct pollfd pfd = {ep, POLLIN, 0};
    CHECK(poll(&pfd, 1, 0) == 0);
    CHECK(pthread_create(&th, NULL, write_later, NULL) == 0);
    CHECK(epoll_wait(outer, out, 2, 5000) == 1 && out[0].data.u32 == 77 && out[0].events == EPOLLIN);
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK(read(p[0], &c, 1) == 1);
    CHECK(epoll_wait(outer, out, 2, 0) == 0, "drained: the inner epoll is not ready any more");

    // A handler interrupts the wait: EINTR despite SA_RESTART.
    struct sigaction sa = {0};
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    pid_t parent = getpid(), child = CHECK_OK(fork());
    if (child == 0) {
        struct timespec d = {0, 50 * 1000000};
        nanosleep(&d, NULL);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK_ERR(epoll_wait(ep, out, 2, 5000), EINTR);
    CHECK(hits == 1);
    int st;
    CHECK(waitpid(child, &st, 0) == child);

    // epoll_pwait: a blocked pending signal let in by the temporary mask; the old mask is back.
    sigset_t block, empty, now;
    sigemptyset(&block);
    sigemptyset(&empty);
    sigaddset(&block, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &block, NULL));
    CHECK_OK(raise(SIGUSR1));
    CHECK_ERR(epoll_pwait(ep, out, 2, 5000, &empty), EINTR);
    CHECK(hits == 2);
    CHECK_OK(sigprocmask(SIG_BLOCK, NULL, &now));
    CHECK(sigismember(&now, SIGUSR1));
    CHECK_OK(raise(SIGUSR1));
    CHECK(epoll_pwait(ep, out, 2, 10, &block) == 0 && hits == 2);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &block, NULL));
    CHECK(hits == 3);

    // stdin can be waited on, whatever it is here (a tty, or the test runner's pipe).
    ev.data.fd = 0;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev));
    return 0;
}
