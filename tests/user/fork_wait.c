// fork gives the child a copy of memory and returns 0 in it; wait4/waitpid reap it
// with its exit status or the signal that killed it; ECHILD when there is nothing to wait for.
// SYSCALLS: fork, clone, wait4, getpid, getppid, exit_group, kill, pipe2
#include "lvtest.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int counter = 1;

int main(void) {
    pid_t me = getpid();
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        // The child: its own pid, the parent as ppid, a private copy of memory.
        if (getppid() != me) _exit(10);
        if (getpid() == me) _exit(11);
        counter = 42;
        char c;
        if (read(fds[0], &c, 1) != 1) _exit(12); // wait until the parent has looked
        _exit(counter == 42 ? 7 : 13);
    }
    CHECK(child != me);
    int status = 0;
    CHECK(waitpid(child, &status, WNOHANG) == 0, "the child cannot have exited yet");
    CHECK(counter == 1, "the child's write leaked into the parent");
    CHECK(write(fds[1], "x", 1) == 1);
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "status %#x", status);

    // A child killed by a signal.
    child = CHECK_OK(fork());
    if (child == 0) {
        for (;;) pause();
    }
    CHECK_OK(kill(child, SIGTERM));
    CHECK(waitpid(-1, &status, 0) == child);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %#x", status);

    CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
    CHECK_ERR(waitpid(child, &status, WNOHANG), ECHILD);
    puts("fork ok");
    return 0;
}
