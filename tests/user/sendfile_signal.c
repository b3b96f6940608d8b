// A long sendfile ends early for a signal: with a handler it returns what it copied so
// far (or EINTR before the first chunk), and SIGKILL ends the process at once instead
// of after gigabytes from /dev/zero (the fuzzer's seed 393370276319 waited 50 s).
// SYSCALLS: sendfile, setitimer, kill, wait4
#include <fcntl.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lvtest.h"

static volatile sig_atomic_t alarms;
static void on_alarm(int s) { (void)s; alarms++; }

int main(void) {
    int zero = open("/dev/zero", O_RDONLY);
    int null = open("/dev/null", O_WRONLY);
    CHECK(zero >= 0 && null >= 0);
    const size_t count = 0x7ffff000; // Linux's MAX_RW_COUNT: one call moves at most this

    // A handler without SA_RESTART: the call comes back short.
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    CHECK_OK(sigaction(SIGALRM, &sa, NULL));
    struct itimerval it = {{0, 2000}, {0, 2000}};
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    int short_calls = 0;
    for (int i = 0; i < 3; i++) {
        ssize_t n = sendfile(null, zero, NULL, count);
        CHECK(n > 0 ? (size_t)n <= count : errno == EINTR, "sendfile = %zd (%s)", n, strerror(errno));
        if (n < 0 || (size_t)n < count) short_calls++;
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK_OK(setitimer(ITIMER_REAL, &off, NULL));
    CHECK(alarms > 0 && short_calls > 0, "alarms %d short calls %d", (int)alarms, short_calls);

    // SIGKILL while a child copies without end.
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        for (;;) sendfile(null, zero, NULL, count);
    }
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    CHECK_OK(kill(c, SIGKILL));
    int st;
    CHECK(waitpid(c, &st, 0) == c);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
    puts("ok");
    return 0;
}
