// execve in a process whose descriptor table is shared with another (clone with
// CLONE_FILES) gives it a copy of its own first (Linux's unshare_files): close-on-exec
// closes the descriptor for the exec'ing process only, and what the other process opens
// afterwards is not seen by it.
// SYSCALLS: clone, execve, dup2, fcntl
// HOST-QEMU-SKIP: qemu-aarch64 cannot execve an arm64 binary (no binfmt registration)
#define _GNU_SOURCE
#include "lvtest.h"
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

enum { kLateFd = 200 };
static char g_self[4096];
static char g_args[3][16];

static int child_fn(void* arg) {
    (void)arg;
    char* args[] = {g_self, "child", g_args[0], g_args[1], g_args[2], NULL};
    execv(g_self, args);
    _exit(100);
}

static int after_exec(int cloexec_fd, int to_parent, int from_parent) {
    CHECK(fcntl(cloexec_fd, F_GETFD) == -1 && errno == EBADF, "the close-on-exec fd is still open");
    CHECK(write(to_parent, "e", 1) == 1);
    char c;
    CHECK(read(from_parent, &c, 1) == 1); // the parent has opened kLateFd meanwhile
    CHECK(fcntl(kLateFd, F_GETFD) == -1 && errno == EBADF, "fd %d opened by the other process is seen", kLateFd);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 5 && strcmp(argv[1], "child") == 0) return after_exec(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    ssize_t n = readlink("/proc/self/exe", g_self, sizeof g_self - 1);
    CHECK(n > 0);
    g_self[n] = 0;

    int cloexec_fd = CHECK_OK(open("/dev/null", O_RDONLY | O_CLOEXEC));
    int to_parent[2], from_parent[2];
    CHECK_OK(pipe(to_parent));
    CHECK_OK(pipe(from_parent));
    snprintf(g_args[0], sizeof g_args[0], "%d", cloexec_fd);
    snprintf(g_args[1], sizeof g_args[1], "%d", to_parent[1]);
    snprintf(g_args[2], sizeof g_args[2], "%d", from_parent[0]);

    size_t stack_size = 256 * 1024;
    char* stack = malloc(stack_size);
    CHECK(stack != NULL);
    pid_t c = CHECK_OK(clone(child_fn, stack + stack_size, CLONE_FILES | SIGCHLD, NULL));
    char e;
    CHECK(read(to_parent[0], &e, 1) == 1 && e == 'e', "the child did not get through its execve");
    // Its execve left our table alone: the close-on-exec descriptor is still ours.
    CHECK(fcntl(cloexec_fd, F_GETFD) == FD_CLOEXEC, "the child's execve closed our descriptor");
    CHECK_OK(dup2(cloexec_fd, kLateFd));
    CHECK(write(from_parent[1], "g", 1) == 1);
    int status;
    CHECK(waitpid(c, &status, 0) == c);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
    CHECK_OK(close(kLateFd));
    puts("exec with a shared fd table ok");
    return 0;
}
