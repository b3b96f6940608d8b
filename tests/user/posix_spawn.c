// posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK), musl: the same or fork) then
// execve in the child; the parent gets the pid and its exit status.
// SYSCALLS: clone, vfork, execve, wait4
// HOST-QEMU-SKIP: qemu-aarch64 cannot execve an arm64 binary (no binfmt registration)
#include "lvtest.h"
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "child") == 0) return 3;
    pid_t child;
    char* args[] = {argv[0], "child", NULL};
    CHECK(posix_spawn(&child, argv[0], NULL, NULL, args, environ) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3, "status %#x", status);
    char* bad[] = {"/nonexistent", NULL};
    int r = posix_spawn(&child, "/nonexistent", NULL, NULL, bad, environ);
    if (r == 0) {
        // Older libcs report the exec failure as exit status 127 of the child.
        CHECK(waitpid(child, &status, 0) == child);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 127);
    } else {
        CHECK(r == ENOENT, "posix_spawn returned %d", r);
    }
    puts("spawn ok");
    return 0;
}
