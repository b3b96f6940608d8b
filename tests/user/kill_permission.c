// Who may signal whom (kill(2)): an unprivileged sender needs its real or effective uid
// to match the target's real or saved uid; SIGCONT may go anywhere in the session.
// Errors are checked with signal 0, which tests permission without sending.
// SYSCALLS: kill, tgkill, setresuid
#define _GNU_SOURCE
#include "lvtest.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// A child that waits in pause() with the given ids until killed.
static pid_t sleeper(uid_t r, uid_t e, uid_t s) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (syscall(SYS_setresuid, r, e, s) != 0) _exit(3);
        for (;;) pause();
    }
    return pid;
}

static void reap(pid_t pid) {
    CHECK(kill(pid, SIGKILL) == 0);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
}

int main(void) {
    if (geteuid() != 0) {
        printf("not root: nothing to check\n");
        return 0;
    }
    pid_t root = sleeper(0, 0, 0);
    pid_t saved = sleeper(2000, 2000, 1000); // saved uid 1000
    pid_t real = sleeper(1000, 2000, 2000);  // real uid 1000
    pid_t other = sleeper(3000, 3000, 3000);
    pid_t effective = sleeper(5000, 2000, 5000); // only the effective uid is 2000
    CHECK(setpgid(other, other) == 0); // a group of its own
    usleep(100 * 1000);                // let them drop their ids

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        // Real uid 4000, effective 1000: either may match. The saved uid 2000 does not
        // count for the sender.
        CHECK(syscall(SYS_setresuid, 4000, 1000, 2000) == 0);
        CHECK_ERR(kill(effective, 0), EPERM);
        CHECK_ERR(kill(root, 0), EPERM);
        CHECK_ERR(kill(other, 0), EPERM);
        CHECK_ERR(kill(other, SIGTERM), EPERM);
        CHECK(kill(saved, 0) == 0);
        CHECK(kill(real, 0) == 0);
        CHECK_ERR(kill(-other, 0), EPERM); // every member refused: EPERM
        CHECK_ERR(syscall(SYS_tgkill, root, root, 0), EPERM);
        CHECK(syscall(SYS_tgkill, saved, saved, 0) == 0);
        CHECK(kill(getpid(), 0) == 0);
        CHECK(kill(root, SIGCONT) == 0); // same session: SIGCONT is always allowed
        // The target's ids that count are the real and saved ones, not the effective.
        CHECK(syscall(SYS_setresuid, 2000, 2000, 2000) == 0);
        CHECK_ERR(kill(effective, 0), EPERM);
        CHECK(kill(saved, 0) == 0);
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
    reap(root);
    reap(saved);
    reap(real);
    reap(other);
    reap(effective);
    return 0;
}
