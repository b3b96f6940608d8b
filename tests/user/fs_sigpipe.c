// Writing to a pipe without readers: EPIPE, and SIGPIPE to the writer — caught by a
// handler, and fatal by default.
// SYSCALLS: pipe2, write, rt_sigaction
// EXPECT: signal=13
#include "lvtest.h"
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_sigpipe(int sig) { got = sig; }

int main(void) {
    int p[2];
    CHECK_OK(pipe(p));
    CHECK_OK(close(p[0]));
    struct sigaction sa = {0};
    sa.sa_handler = on_sigpipe;
    CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
    CHECK_ERR(write(p[1], "x", 1), EPIPE);
    CHECK(got == SIGPIPE);
    // With the default action the write kills the process.
    sa.sa_handler = SIG_DFL;
    CHECK_OK(sigaction(SIGPIPE, &sa, NULL));
    write(p[1], "x", 1);
    return 0; // not reached
}
