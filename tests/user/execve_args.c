// execve replaces the program: the new one sees exactly the argv and envp given, the
// same pid, and fds without FD_CLOEXEC; failures leave the caller running with errno.
// SYSCALLS: execve, getpid, fcntl
// HOST-QEMU-SKIP: qemu-aarch64 cannot execve an arm64 binary (no binfmt registration)
#include "lvtest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char** argv, char** envp) {
    if (argc == 5 && strcmp(argv[1], "second") == 0) {
        CHECK(strcmp(argv[2], "with space") == 0);
        CHECK(strcmp(argv[3], "") == 0, "an empty argument stays");
        CHECK(envp[0] && strcmp(envp[0], "LV_EXEC=1") == 0 && envp[1] && strcmp(envp[1], "B=2") == 0 && !envp[2]);
        CHECK(atoi(argv[4]) == getpid(), "the pid survives execve");
        CHECK(fcntl(5, F_GETFD) >= 0, "an fd without FD_CLOEXEC stays open");
        CHECK_ERR(fcntl(6, F_GETFD), EBADF);
        puts("exec ok");
        return 0;
    }
    char pid[16];
    snprintf(pid, sizeof pid, "%d", getpid());
    char* args[] = {argv[0], "second", "with space", "", pid, NULL};
    char* env[] = {"LV_EXEC=1", "B=2", NULL};

    CHECK_ERR(execve("/nonexistent/program", args, env), ENOENT);
    char* volatile bad_path = (char*)1; // volatile: the compiler must not reason about it
    CHECK_ERR(execve(bad_path, args, env), EFAULT);
    char bad[64]; // per process: other runs of this test may use /tmp at the same time
    snprintf(bad, sizeof bad, "/tmp/not-executable-%d", getpid());
    int fd = CHECK_OK(open(bad, O_CREAT | O_WRONLY | O_TRUNC, 0644));
    CHECK(write(fd, "\x7f" "ELF", 4) == 4);
    close(fd);
    CHECK_ERR(execve(bad, args, env), EACCES);
    CHECK_OK(chmod(bad, 0755));
    CHECK_ERR(execve(bad, args, env), ENOEXEC);
    CHECK_ERR(execve("/tmp", args, env), EACCES);
    unlink(bad);

    CHECK(dup2(1, 5) == 5);
    CHECK(dup2(1, 6) == 6);
    CHECK_OK(fcntl(6, F_SETFD, FD_CLOEXEC));
    execve(argv[0], args, env);
    LV_FAIL("execve of ourselves failed: %s", strerror(errno));
}
