// Threads hammering one pipe: writers of PIPE_BUF-sized-or-smaller records (each
// write is atomic, pipe(7)) and readers at once. Every record arrives whole (never
// interleaved with another), and each writer's count comes out exact; EOF comes after
// the last writer closes. Exercises the pipe's lock and its wait queue with readers
// and writers sleeping on each other.
// SYSCALLS: pipe2, read, write
#define _GNU_SOURCE
#include "lvtest.h"
#include <pthread.h>
#include <unistd.h>

#define WRITERS 4
#define READERS 2
#define RECORDS 400
#define REC 512

static int g_fds[2];
static unsigned g_seen[WRITERS]; // records read, per writer
static unsigned g_got[READERS];
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_bad;

struct rec {
    unsigned writer, seq;
    unsigned char fill[REC - 8];
};

static void* writer(void* arg) {
    unsigned id = (unsigned)(long)arg;
    struct rec r;
    for (unsigned s = 0; s < RECORDS; s++) {
        r.writer = id;
        r.seq = s;
        memset(r.fill, (int)(id * 31 + s), sizeof r.fill);
        ssize_t n = write(g_fds[1], &r, sizeof r);
        if (n != (ssize_t)sizeof r) __atomic_store_n(&g_bad, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static void* reader(void* arg) {
    unsigned id = (unsigned)(long)arg;
    struct rec r;
    for (;;) {
        // Readers take whole records: all writes are REC bytes, so the pipe always
        // holds a whole number of them, and a read of REC bytes takes exactly one.
        ssize_t n = read(g_fds[0], &r, sizeof r);
        if (n == 0) return NULL;
        pthread_mutex_lock(&g_mu);
        if (n != (ssize_t)sizeof r || r.writer >= WRITERS) {
            g_bad = 2;
        } else {
            for (size_t i = 0; i < sizeof r.fill; i++)
                if (r.fill[i] != (unsigned char)(r.writer * 31 + r.seq)) g_bad = 3;
            // Two readers may take one writer's consecutive records and account for
            // them in either order; a record seen twice or never is what must not be.
            g_seen[r.writer]++;
        }
        g_got[id]++;
        pthread_mutex_unlock(&g_mu);
    }
}

int main(void) {
    CHECK_OK(pipe2(g_fds, 0));
    pthread_t w[WRITERS], r[READERS];
    for (long i = 0; i < READERS; i++) CHECK(pthread_create(&r[i], NULL, reader, (void*)i) == 0);
    for (long i = 0; i < WRITERS; i++) CHECK(pthread_create(&w[i], NULL, writer, (void*)i) == 0);
    for (int i = 0; i < WRITERS; i++) CHECK(pthread_join(w[i], NULL) == 0);
    CHECK_OK(close(g_fds[1])); // EOF for the readers
    for (int i = 0; i < READERS; i++) CHECK(pthread_join(r[i], NULL) == 0);
    CHECK(!g_bad, "a record was torn, short or corrupt (%d)", g_bad);
    unsigned total = 0;
    for (int i = 0; i < WRITERS; i++) CHECK(g_seen[i] == RECORDS, "writer %d: %u of %d records", i, g_seen[i], RECORDS);
    for (int i = 0; i < READERS; i++) total += g_got[i];
    CHECK(total == WRITERS * RECORDS, "%u records read", total);
    return 0;
}
