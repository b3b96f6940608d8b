// Work from several threads at once, on as many CPUs as the kernel gives the process:
// a counter under a futex-based mutex and an atomic one, pipe pairs between threads,
// and fork + wait from several threads. Every result is exact.
// SYSCALLS: futex, pipe2, read, write, clone, wait4, sched_getaffinity
// TIMEOUT: 120
#define _GNU_SOURCE
#include "lvtest.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/wait.h>

#define THREADS 4
#define ROUNDS 50000
#define PIPE_BYTES (512 * 1024)
#define FORKS 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_total;
static long atomic_total;

static void* count(void* arg) {
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        locked_total++;
        pthread_mutex_unlock(&lock);
        __atomic_fetch_add(&atomic_total, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

struct pipe_pair {
    int fd[2];
    unsigned seed;
    uint64_t sum_written, sum_read;
};

static uint8_t byte_at(unsigned seed, size_t i) { return (uint8_t)((i * 2654435761u + seed) >> 7); }

static void* writer(void* arg) {
    struct pipe_pair* p = arg;
    uint8_t buf[3000];
    for (size_t off = 0; off < PIPE_BYTES;) {
        size_t n = PIPE_BYTES - off < sizeof buf ? PIPE_BYTES - off : sizeof buf;
        for (size_t i = 0; i < n; i++) buf[i] = byte_at(p->seed, off + i);
        for (size_t done = 0; done < n;) {
            ssize_t w = write(p->fd[1], buf + done, n - done);
            if (w <= 0) return (void*)1;
            done += (size_t)w;
        }
        for (size_t i = 0; i < n; i++) p->sum_written += buf[i] * (off + i + 1);
        off += n;
    }
    close(p->fd[1]);
    return NULL;
}

static void* reader(void* arg) {
    struct pipe_pair* p = arg;
    uint8_t buf[4096];
    size_t off = 0;
    for (;;) {
        ssize_t r = read(p->fd[0], buf, sizeof buf);
        if (r < 0) return (void*)1;
        if (r == 0) break;
        for (ssize_t i = 0; i < r; i++) {
            if (buf[i] != byte_at(p->seed, off + (size_t)i)) return (void*)2;
            p->sum_read += buf[i] * (off + (size_t)i + 1);
        }
        off += (size_t)r;
    }
    close(p->fd[0]);
    return off == PIPE_BYTES ? NULL : (void*)3;
}

static void* forker(void* arg) {
    long id = (long)arg;
    for (int i = 0; i < FORKS; i++) {
        pid_t c = fork();
        if (c < 0) return (void*)1;
        if (c == 0) _exit((int)(id * 16 + i) & 0xff);
        int st;
        if (waitpid(c, &st, 0) != c) return (void*)2;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != ((id * 16 + i) & 0xff)) return (void*)3;
    }
    return NULL;
}

static void run_all(void* (*fn)(void*), void** args, int n) {
    pthread_t t[THREADS * 2];
    for (int i = 0; i < n; i++) CHECK(pthread_create(&t[i], NULL, fn, args[i]) == 0);
    for (int i = 0; i < n; i++) {
        void* r;
        CHECK(pthread_join(t[i], &r) == 0);
        CHECK(r == NULL, "thread %d returned %ld", i, (long)r);
    }
}

int main(void) {
    cpu_set_t set;
    CHECK_OK(sched_getaffinity(0, sizeof set, &set));
    CHECK(CPU_COUNT(&set) >= 1);

    void* none[THREADS] = {0};
    run_all(count, none, THREADS);
    CHECK(locked_total == (long)THREADS * ROUNDS, "mutex counter %ld", locked_total);
    CHECK(atomic_total == (long)THREADS * ROUNDS, "atomic counter %ld", atomic_total);

    struct pipe_pair pairs[THREADS];
    pthread_t w[THREADS], r[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pairs[i] = (struct pipe_pair){.seed = 17u * (unsigned)i + 3};
        CHECK_OK(pipe(pairs[i].fd));
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&w[i], NULL, writer, &pairs[i]) == 0);
        CHECK(pthread_create(&r[i], NULL, reader, &pairs[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        void* x;
        CHECK(pthread_join(w[i], &x) == 0 && x == NULL, "writer %d: %ld", i, (long)x);
        CHECK(pthread_join(r[i], &x) == 0 && x == NULL, "reader %d: %ld", i, (long)x);
        CHECK(pairs[i].sum_written == pairs[i].sum_read, "pipe %d checksums differ", i);
    }

    void* ids[THREADS];
    for (long i = 0; i < THREADS; i++) ids[i] = (void*)i;
    run_all(forker, ids, THREADS);
    CHECK(wait(NULL) == -1 && errno == ECHILD);
    puts("ok");
    return 0;
}
