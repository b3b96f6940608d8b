// POSIX threads: clone(CLONE_THREAD|CLONE_VM|...), futex waits for mutexes and joins,
// per-thread TLS and tids, all threads in one process.
// SYSCALLS: clone, clone3, futex, gettid, getpid, set_robust_list, exit
#include "lvtest.h"
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total;
static __thread long mine;
static pid_t pid;

static void* work(void* arg) {
    long id = (long)arg;
    mine = id;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        total++;
        pthread_mutex_unlock(&lock);
        if (i % 1000 == 0) sched_yield();
    }
    if (getpid() != pid) return (void*)1;
    if (syscall(SYS_gettid) == pid) return (void*)2;
    return (void*)(mine == id ? 0L : 3L);
}

int main(void) {
    pid = getpid();
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, work, (void*)(i + 100)) == 0);
    for (int i = 0; i < THREADS; i++) {
        void* r;
        CHECK(pthread_join(t[i], &r) == 0);
        CHECK(r == NULL, "thread %d returned %ld", i, (long)r);
    }
    CHECK(total == (long)THREADS * ROUNDS, "total %ld", total);
    CHECK(syscall(SYS_gettid) == pid, "the main thread's tid is the pid");
    puts("threads ok");
    return 0;
}
