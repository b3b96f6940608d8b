// A blocked signal stays pending (sigpending shows it) and is delivered when unblocked.
// SYSCALLS: rt_sigprocmask, rt_sigpending, rt_sigaction, tgkill
#include "lvtest.h"
#include <signal.h>

static volatile sig_atomic_t count;
static void handler(int sig) { count++; }

int main(void) {
    signal(SIGUSR1, handler);
    sigset_t set, old, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, &old));
    CHECK(!sigismember(&old, SIGUSR1));
    raise(SIGUSR1);
    raise(SIGUSR1); // standard signals do not queue: delivered once
    CHECK(count == 0, "delivered while blocked");
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1), "not pending");
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, NULL));
    CHECK(count == 1, "delivered %d times", (int)count);
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGUSR1));
    // SIGKILL cannot be blocked: asking is not an error, it is just left out.
    sigaddset(&set, SIGKILL);
    CHECK_OK(sigprocmask(SIG_SETMASK, &set, NULL));
    CHECK_OK(sigprocmask(SIG_SETMASK, NULL, &old));
    CHECK(!sigismember(&old, SIGKILL) && sigismember(&old, SIGUSR1));
    CHECK_ERR(sigprocmask(12345, &set, NULL), EINVAL);
    return 0;
}
