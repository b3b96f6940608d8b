// RLIMIT_NPROC counts the tasks (processes and threads) of the real uid: fork and
// pthread_create fail with EAGAIN once the user has RLIMIT_NPROC of them; a zombie
// counts until it is reaped, a thread until it exits; root is exempt. A set*uid into a
// user over the limit succeeds, but the next execve fails with EAGAIN (Linux 6.1's
// PF_NPROC_EXCEEDED). Runs as root (CI does), with uid 54329 used by nothing else; on the
// host the glibc and musl builds run at once and count the same uid, so each holds an
// exclusive flock on a file in /tmp while it runs.
// SYSCALLS: clone, setuid, setresuid, prlimit64, execve, kill, waitid, wait4
// HOST-QEMU-SKIP: qemu-aarch64 runs a helper thread in every process (counted by RLIMIT_NPROC) and aborts when it cannot make one
#define _GNU_SOURCE
#include "lvtest.h"
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define UID 54329
#define N 8

static void set_nproc(rlim_t n) {
    struct rlimit r = {n, n};
    CHECK_OK(setrlimit(RLIMIT_NPROC, &r));
}

// Children sleep until the process that made them ends (or they are killed): they
// read a pipe whose write end only that process holds.
static int hold_fd[2] = {-1, -1};

static pid_t spawn_sleeper(void) {
    if (hold_fd[0] < 0) CHECK_OK(pipe(hold_fd));
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(hold_fd[1]);
        while (read(hold_fd[0], &c, 1) != 0) {}
        _exit(0);
    }
    return pid;
}

static int release_fd[2];

static void* blocked_thread(void* arg) {
    char c;
    (void)read(release_fd[0], &c, 1);
    return NULL;
}

// A forks once the count allows it; the count of a thread that just ended may lag a
// moment behind pthread_join (the tid is cleared before the task is released).
static pid_t spawn_sleeper_retrying(void) {
    for (int i = 0; i < 300; i++) {
        pid_t pid = spawn_sleeper();
        if (pid > 0) return pid;
        CHECK(errno == EAGAIN);
        usleep(10000);
    }
    LV_FAIL("fork kept failing with EAGAIN");
}

// Runs as UID with N as its limit, fills the limit and holds it until told to stop.
static int filler(int report_fd, int done_fd) {
    set_nproc(N);
    // The saved uid stays 0, but the effective uid is not: no CAP_SYS_RESOURCE.
    CHECK_OK(setresuid(UID, UID, 0));
    pid_t kids[N];
    int forked = 0;
    for (;;) {
        pid_t pid = spawn_sleeper();
        if (pid < 0) {
            CHECK(errno == EAGAIN, "fork number %d failed with errno %d (%s)", forked + 1, errno, strerror(errno));
            break;
        }
        CHECK(forked < N, "more than %d forks worked", N);
        kids[forked++] = pid;
    }
    // This process counts as one of the N.
    CHECK(forked == N - 1, "%d forks worked with RLIMIT_NPROC %d", forked, N);

    pthread_t th;
    CHECK_OK(pipe(release_fd));
    CHECK(pthread_create(&th, NULL, blocked_thread, NULL) == EAGAIN, "a thread counts as a task");

    // A zombie counts until it is reaped.
    pid_t victim = kids[--forked];
    CHECK_OK(kill(victim, SIGKILL));
    siginfo_t si;
    CHECK_OK(waitid(P_PID, victim, &si, WEXITED | WNOWAIT));
    CHECK(spawn_sleeper() < 0 && errno == EAGAIN, "a zombie still counts");
    CHECK(waitpid(victim, NULL, 0) == victim);

    // A thread takes the free place while it runs.
    CHECK(pthread_create(&th, NULL, blocked_thread, NULL) == 0);
    CHECK(spawn_sleeper() < 0 && errno == EAGAIN, "a running thread counts");
    CHECK(write(release_fd[1], "x", 1) == 1);
    CHECK(pthread_join(th, NULL) == 0);
    kids[forked++] = spawn_sleeper_retrying();
    CHECK(spawn_sleeper() < 0 && errno == EAGAIN, "at the limit again");

    // The limit is full (N tasks of UID): the parent checks set*uid and execve now.
    CHECK(write(report_fd, "f", 1) == 1);
    char c;
    CHECK(read(done_fd, &c, 1) == 0);
    for (int i = 0; i < forked; i++) {
        CHECK_OK(kill(kids[i], SIGKILL));
        CHECK(waitpid(kids[i], NULL, 0) == kids[i]);
    }
    return 0;
}

// Joins UID while it has N tasks, with a lower limit: setuid works, execve does not.
static int joiner(const char* self) {
    set_nproc(N - 1);
    CHECK_OK(setuid(UID));
    CHECK(spawn_sleeper() < 0 && errno == EAGAIN, "fork over the limit");
    char* args[] = {(char*)self, "exec-worked", NULL};
    CHECK_ERR(execve("/proc/self/exe", args, NULL), EAGAIN);
    return 0;
}

static void expect_exit0(pid_t pid, const char* who) {
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: status %#x", who, status);
}

int main(int argc, char** argv) {
    if (argc > 1) return 42; // execve should not have worked
    CHECK(geteuid() == 0, "runs as root");
    int lock = CHECK_OK(open("/tmp/lvtest-rlimit_nproc.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    CHECK_OK(flock(lock, LOCK_EX));

    // Root is exempt.
    pid_t pid = CHECK_OK(fork());
    if (pid == 0) {
        set_nproc(1);
        pid_t c = spawn_sleeper();
        CHECK(c > 0, "root forks past RLIMIT_NPROC");
        kill(c, SIGKILL);
        waitpid(c, NULL, 0);
        _exit(0);
    }
    expect_exit0(pid, "root");

    int report[2], done[2];
    CHECK_OK(pipe(report));
    CHECK_OK(pipe(done));
    pid_t a = CHECK_OK(fork());
    if (a == 0) {
        hold_fd[0] = hold_fd[1] = -1; // a pipe of its own
        close(report[0]);
        close(done[1]);
        _exit(filler(report[1], done[0]));
    }
    close(report[1]);
    close(done[0]);
    char c;
    if (read(report[0], &c, 1) != 1) {
        expect_exit0(a, "filler");
        LV_FAIL("the filler ended early");
    }
    pid_t b = CHECK_OK(fork());
    if (b == 0) _exit(joiner(argv[0]));
    expect_exit0(b, "joiner");
    close(done[1]);
    expect_exit0(a, "filler");

    // Everything of UID is gone: its count is back to zero.
    pid = CHECK_OK(fork());
    if (pid == 0) {
        hold_fd[0] = hold_fd[1] = -1;
        set_nproc(2);
        CHECK_OK(setuid(UID));
        pid_t k = spawn_sleeper();
        CHECK(k > 0, "one more task of UID fits");
        CHECK(spawn_sleeper() < 0 && errno == EAGAIN);
        kill(k, SIGKILL);
        waitpid(k, NULL, 0);
        _exit(0);
    }
    expect_exit0(pid, "after");
    puts("rlimit_nproc ok");
    return 0;
}
