// LevitateOS's spawn_args (1001) starts a child running a program with the given argv
// and envp; the child inherits our fds and wait4 reaps it with its exit status. Linux
// has no such call: there the test only checks that 1001 is ENOSYS.
// SYSCALLS: spawn_args, wait4
// EXPECT-STDOUT: child ok
#include "lvtest.h"
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYS_spawn_args 1001

extern char** environ;

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "child") == 0) {
        // The child: its environment is what the parent passed, and fd 1 is inherited.
        CHECK(getenv("SPAWNED") && strcmp(getenv("SPAWNED"), "yes") == 0);
        CHECK(write(1, "child ok\n", 9) == 9);
        return 7;
    }
    struct utsname u;
    CHECK_OK(uname(&u));
    if (!strstr(u.version, "LevitateOS")) {
        CHECK_ERR(syscall(SYS_spawn_args, argv[0], argv, environ), ENOSYS);
        puts("child ok");
        return 0;
    }
    char* child_argv[] = {argv[0], "child", NULL};
    char* child_env[] = {"SPAWNED=yes", NULL};
    long pid = CHECK_OK(syscall(SYS_spawn_args, argv[0], child_argv, child_env));
    CHECK(pid > 0 && pid != getpid());
    int status = 0;
    CHECK(waitpid((pid_t)pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7, "child status %#x", status);
    CHECK_ERR(waitpid((pid_t)pid, &status, 0), ECHILD);
    CHECK_ERR(syscall(SYS_spawn_args, "/no/such/program", child_argv, child_env), ENOENT);
    return 0;
}
