// Futexes across processes (futex(2)): in MAP_SHARED memory, a FUTEX_WAIT without
// FUTEX_PRIVATE_FLAG in one process is woken by a FUTEX_WAKE in another; with the flag
// (process-private keys) the same word does not match across processes; a
// process-shared pthread mutex hands over between a parent and its child; a shared
// FUTEX_WAKE on unmapped memory is EFAULT.
// SYSCALLS: futex
#define _GNU_SOURCE
#include "lvtest.h"
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static long futex(volatile uint32_t* w, int op, uint32_t val, const struct timespec* ts) {
    return syscall(SYS_futex, w, op, val, ts, NULL, 0);
}

static void wait_child_ok(pid_t pid) {
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

int main(void) {
    struct shm {
        volatile uint32_t word, word2, ready;
        pthread_mutex_t mutex;
        volatile int in_lock;
    }* sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED);
    memset((void*)sh, 0, sizeof *sh); // touched before fork (issue 8: a shared page first touched after one is not shared yet)

    // Shared keys: the parent's wake reaches the child's wait.
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec ts = {5, 0};
        sh->ready = 1;
        long r = futex(&sh->word, FUTEX_WAIT, 0, &ts);
        _exit(r == 0 && sh->word == 1 ? 0 : 1);
    }
    while (!sh->ready) usleep(1000);
    usleep(100000); // the child is asleep in FUTEX_WAIT by now
    sh->word = 1;
    long woken = 0;
    for (int i = 0; i < 50 && !woken; i++) { // in case the child is not queued yet
        woken = futex(&sh->word, FUTEX_WAKE, 1, NULL);
        if (!woken) usleep(10000);
    }
    CHECK(woken == 1, "FUTEX_WAKE woke %ld", woken);
    wait_child_ok(pid);

    // Private keys do not match across processes: the child's private wait times out.
    sh->ready = 0;
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct timespec ts = {0, 300000000};
        sh->ready = 1;
        long r = futex(&sh->word2, FUTEX_WAIT_PRIVATE, 0, &ts);
        _exit(r == -1 && errno == ETIMEDOUT ? 0 : 1);
    }
    while (!sh->ready) usleep(1000);
    usleep(50000);
    CHECK(futex(&sh->word2, FUTEX_WAKE_PRIVATE, 1, NULL) == 0, "a private wake matched another process's waiter");
    wait_child_ok(pid);

    // A process-shared mutex: the child blocks on it until the parent unlocks.
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    CHECK(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED) == 0);
    CHECK(pthread_mutex_init(&sh->mutex, &a) == 0);
    CHECK(pthread_mutex_lock(&sh->mutex) == 0);
    sh->ready = 0;
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        sh->ready = 1;
        if (pthread_mutex_lock(&sh->mutex)) _exit(2);
        sh->in_lock = 1;
        pthread_mutex_unlock(&sh->mutex);
        _exit(0);
    }
    while (!sh->ready) usleep(1000);
    usleep(100000);
    CHECK(sh->in_lock == 0, "the child got a locked mutex");
    CHECK(pthread_mutex_unlock(&sh->mutex) == 0);
    wait_child_ok(pid);
    CHECK(sh->in_lock == 1);

    // Shared wake on an unmapped address.
    void* gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(gone != MAP_FAILED && munmap(gone, 4096) == 0);
    CHECK_ERR(futex(gone, FUTEX_WAKE, 1, NULL), EFAULT);
    CHECK(futex(gone, FUTEX_WAKE_PRIVATE, 1, NULL) == 0); // private keys need no memory
    return 0;
}
