// execve from a thread that is not the main one, while other threads spin in user mode
// (on other CPUs), sleep in the kernel and start new threads: every other thread is
// gone before the new image runs (Linux's de_thread), the caller takes the process's id
// as its thread id, the pid stays, and nothing the old threads did reaches the new
// image.
// SYSCALLS: execve, clone, gettid
// HOST-QEMU-SKIP: qemu-aarch64 cannot execve an arm64 binary (no binfmt registration)
// TIMEOUT: 120
#define _GNU_SOURCE
#include "lvtest.h"
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile unsigned long g_sink[8 * 64];
static int g_pipe[2];
static char g_self[4096];
static char g_pid_arg[32];
static char g_round_arg[16];

static void* spinner(void* arg) {
    unsigned long i = (unsigned long)arg;
    for (;;) g_sink[(i % 8) * 64]++; // on its CPU until execve takes it away
    return NULL;
}

static void* sleeper(void* arg) {
    char c;
    (void)!read(g_pipe[0], &c, 1); // never written: the kernel must end it
    return NULL;
}

static void* short_lived(void* arg) { return NULL; }

// Starts threads that end at once, as fast as it can: one started while the execve
// waits for the others must not be left behind (nor make it wait for ever).
static void* spawner(void* arg) {
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    for (;;) {
        pthread_t t;
        if (pthread_create(&t, &a, short_lived, NULL) != 0) sched_yield();
    }
    return NULL;
}

static void* execer(void* arg) {
    usleep(20000); // let the others get going
    char* args[] = {g_self, "child", g_pid_arg, g_round_arg, NULL};
    execv(g_self, args);
    LV_FAIL("execv: %s", strerror(errno));
    return NULL;
}

static int threads_in_status(void) {
    FILE* f = fopen("/proc/self/status", "r");
    CHECK(f);
    char line[256];
    int n = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1) break;
    fclose(f);
    return n;
}

static void start_round(int round) {
    snprintf(g_round_arg, sizeof g_round_arg, "%d", round);
    CHECK_OK(pipe(g_pipe));
    pthread_t t;
    for (unsigned long i = 0; i < 3; i++) CHECK(pthread_create(&t, NULL, spinner, (void*)i) == 0);
    for (int i = 0; i < 2; i++) CHECK(pthread_create(&t, NULL, sleeper, NULL) == 0);
    CHECK(pthread_create(&t, NULL, spawner, NULL) == 0);
    CHECK(pthread_create(&t, NULL, execer, NULL) == 0);
    for (;;) pause(); // the main thread sleeps too; execve ends it
}

int main(int argc, char** argv) {
    ssize_t n = readlink("/proc/self/exe", g_self, sizeof g_self - 1);
    CHECK(n > 0);
    g_self[n] = 0;
    int round = 0;
    if (argc == 4 && strcmp(argv[1], "child") == 0) {
        CHECK(atoi(argv[2]) == getpid(), "pid was %s, now %d", argv[2], getpid());
        CHECK(syscall(SYS_gettid) == getpid(), "tid %ld after execve, pid %d", syscall(SYS_gettid), getpid());
        int threads = threads_in_status();
        CHECK(threads == 1, "%d threads after execve", threads);
        round = atoi(argv[3]) + 1;
        if (round == 5) {
            puts("exec from a thread ok");
            return 0;
        }
    }
    snprintf(g_pid_arg, sizeof g_pid_arg, "%d", getpid());
    start_round(round);
    return 1;
}
