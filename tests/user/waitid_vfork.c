// vfork suspends the parent until the child exits; waitid reports the child in a
// siginfo (CLD_EXITED / CLD_KILLED) and WNOWAIT leaves it waitable.
// SYSCALLS: vfork, waitid, wait4
#include "lvtest.h"
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    volatile int shared = 0;
    pid_t child = vfork();
    CHECK(child >= 0);
    if (child == 0) {
        shared = 1; // vfork shares memory; the parent runs only after we exit
        _exit(5);
    }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, child, &si, WEXITED | WNOWAIT));
    CHECK(si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_pid == child && si.si_status == 5,
          "signo %d code %d pid %d status %d", si.si_signo, si.si_code, si.si_pid, si.si_status);
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_ALL, 0, &si, WEXITED));
    CHECK(si.si_pid == child && si.si_status == 5);
    CHECK_ERR(waitid(P_ALL, 0, &si, WEXITED), ECHILD);
    CHECK_ERR(waitid(P_ALL, 0, &si, 0), EINVAL);

    child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        raise(SIGKILL);
        _exit(1);
    }
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, child, &si, WEXITED));
    CHECK(si.si_code == CLD_KILLED && si.si_status == SIGKILL, "code %d status %d", si.si_code, si.si_status);
    (void)shared;
    puts("waitid ok");
    return 0;
}
