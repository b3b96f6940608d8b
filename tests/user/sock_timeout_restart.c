// signal(7): after an SA_RESTART handler, a blocking socket receive is restarted, but
// one with a receive timeout (SO_RCVTIMEO) fails with EINTR instead.
// SYSCALLS: recvfrom, setsockopt, socketpair, rt_sigaction, kill
#include "lvtest.h"
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nothing(int sig) {}

// A child that signals us after 50 ms and, if asked, then writes a byte to fd.
static pid_t poke(int fd) {
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        struct timespec t = {0, 50 * 1000 * 1000};
        nanosleep(&t, NULL);
        kill(parent, SIGUSR1);
        if (fd >= 0) {
            t.tv_nsec = 100 * 1000 * 1000;
            nanosleep(&t, NULL);
            write(fd, "d", 1);
        }
        _exit(0);
    }
    return c;
}

int main(void) {
    struct sigaction sa = {0};
    sa.sa_handler = nothing;
    sa.sa_flags = SA_RESTART;
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    char b;

    pid_t c = poke(sv[1]); // no timeout: restarted, then the byte arrives
    CHECK(recv(sv[0], &b, 1, 0) == 1 && b == 'd', "the receive was not restarted");
    CHECK(waitpid(c, NULL, 0) == c);

    struct timeval tv = {5, 0};
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    c = poke(-1); // with a timeout: EINTR
    CHECK_ERR(recv(sv[0], &b, 1, 0), EINTR);
    CHECK(waitpid(c, NULL, 0) == c);
    puts("socket restart ok");
    return 0;
}
