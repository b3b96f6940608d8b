// The terminal stop signals (SIGTSTP, SIGTTIN, SIGTTOU) do not stop a process whose
// process group is orphaned (POSIX; nobody could continue it): a child that makes itself
// a new session, hence an orphaned group, and raises SIGTSTP keeps running.
// SYSCALLS: setsid, kill, wait4
#include "lvtest.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t c = CHECK_OK(fork());
    if (c == 0) {
        if (setsid() < 0) _exit(10);
        raise(SIGTSTP);
        raise(SIGTTIN);
        _exit(7); // reached only if neither signal stopped us
    }
    int st;
    CHECK(waitpid(c, &st, WUNTRACED) == c);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "status %#x (stopped: %d)", st, WIFSTOPPED(st));
    puts("orphan ok");
    return 0;
}
