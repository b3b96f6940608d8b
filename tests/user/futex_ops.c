// futex(2) by hand: EAGAIN when the word differs, ETIMEDOUT, EFAULT and EINVAL, the
// count FUTEX_WAKE returns (a count of 0 wakes one), bitsets, and FUTEX_CMP_REQUEUE moving waiters to a second
// word where a wake of that word finds them. Every waiter must come back with 0 (woken),
// never a lost wake-up.
// SYSCALLS: futex
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lvtest.h"

static long futex(uint32_t* uaddr, int op, uint32_t val, const void* timeout_or_val2, uint32_t* uaddr2, uint32_t val3) {
    return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

static uint32_t word_a, word_b;
static volatile int started;
static long results[8];

static void* waiter(void* arg) {
    long i = (long)arg;
    __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
    results[i] = futex(&word_a, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0) == 0 ? 0 : errno;
    return NULL;
}

static void* bitset_waiter(void* arg) {
    (void)arg;
    __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
    results[0] = futex(&word_a, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0x2) == 0 ? 0 : errno;
    return NULL;
}

static void start_waiters(pthread_t* t, int n) {
    started = 0;
    for (long i = 0; i < n; i++) {
        results[i] = -1;
        CHECK(pthread_create(&t[i], NULL, waiter, (void*)i) == 0);
    }
    while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < n) sched_yield();
}

// Wakes (or requeues) until `n` in all were reached: a waiter may not be queued yet.
static void wake_all_of(uint32_t* w, int n) {
    long total = 0;
    while (total < n) {
        long r = futex(w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
        CHECK(r >= 0, "FUTEX_WAKE: %s", strerror(errno));
        total += r;
        if (total < n) sched_yield();
    }
    CHECK(total == n, "woke %ld of %d", total, n);
}

int main(void) {
    uint32_t w = 5;
    CHECK_ERR(futex(&w, FUTEX_WAIT_PRIVATE, 6, NULL, NULL, 0), EAGAIN);
    struct timespec ts = {0, 20 * 1000 * 1000};
    CHECK_ERR(futex(&w, FUTEX_WAIT_PRIVATE, 5, &ts, NULL, 0), ETIMEDOUT);
    CHECK_ERR(futex((uint32_t*)((char*)&w + 1), FUTEX_WAIT_PRIVATE, 5, NULL, NULL, 0), EINVAL);
    CHECK_ERR(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, NULL, 0), EINVAL);
    void* gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(gone != MAP_FAILED);
    CHECK_OK(munmap(gone, 4096));
    CHECK_ERR(futex((uint32_t*)gone, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
    // Words on pages never touched yet (read under the futex lock, they must be faulted
    // in first): the comparison still sees their zero.
    uint32_t* fresh = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(fresh != MAP_FAILED);
    CHECK_ERR(futex(fresh, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EAGAIN);
    CHECK_ERR(futex(fresh + 1024, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0), ETIMEDOUT);
    CHECK_OK(munmap(fresh, 2 * 4096));
    CHECK(futex(&w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0); // nobody waits
    CHECK_ERR(futex(&w, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void*)1, &word_b, 4), EAGAIN);
    CHECK_ERR(futex(&w, FUTEX_CMP_REQUEUE_PRIVATE, (uint32_t)-1, (void*)1, &word_b, 5), EINVAL);
    CHECK_ERR(futex(&w, FUTEX_REQUEUE_PRIVATE, 1, (void*)(long)-1, &word_b, 0), EINVAL);

    // Three waiters, woken by wakes of at most one each.
    pthread_t t[4];
    start_waiters(t, 3);
    long total = 0;
    while (total < 3) {
        long r = futex(&word_a, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
        CHECK(r == 0 || r == 1, "FUTEX_WAKE with count 1 returned %ld", r);
        total += r;
        if (!r) sched_yield();
    }
    for (int i = 0; i < 3; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        CHECK(results[i] == 0, "waiter %d: %s", i, strerror((int)results[i]));
    }

    // FUTEX_WAKE with a count of 0 wakes one, as Linux's does.
    start_waiters(t, 1);
    for (long r = 0; !r; sched_yield()) {
        r = futex(&word_a, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0);
        CHECK(r == 0 || r == 1, "FUTEX_WAKE with count 0 returned %ld", r);
    }
    CHECK(pthread_join(t[0], NULL) == 0);
    CHECK(results[0] == 0, "count-0 waiter: %s", strerror((int)results[0]));

    // A waiter with bitset 0x2: wakes with bitset 0x1 never find it, 0x2 does.
    started = 0;
    results[0] = -1;
    CHECK(pthread_create(&t[0], NULL, bitset_waiter, NULL) == 0);
    while (!__atomic_load_n(&started, __ATOMIC_SEQ_CST)) sched_yield();
    for (int i = 0; i < 20; i++) {
        CHECK(futex(&word_a, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x1) == 0);
        sched_yield();
    }
    for (long r = 0; !r; sched_yield()) {
        r = futex(&word_a, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x2);
        CHECK(r == 0 || r == 1, "bitset wake returned %ld", r);
    }
    CHECK(pthread_join(t[0], NULL) == 0);
    CHECK(results[0] == 0, "bitset waiter: %s", strerror((int)results[0]));

    // Requeue: two waiters on word_a move to word_b; a wake of word_a then finds none.
    start_waiters(t, 2);
    long moved = 0;
    while (moved < 2) {
        long r = futex(&word_a, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void*)(long)(2 - moved), &word_b, 0);
        CHECK(r >= 0, "FUTEX_CMP_REQUEUE: %s", strerror(errno));
        moved += r;
        if (moved < 2) sched_yield();
    }
    CHECK(moved == 2);
    CHECK(futex(&word_a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0) == 0);
    wake_all_of(&word_b, 2);
    for (int i = 0; i < 2; i++) {
        CHECK(pthread_join(t[i], NULL) == 0);
        CHECK(results[i] == 0, "requeued waiter %d: %s", i, strerror((int)results[i]));
    }
    puts("ok");
    return 0;
}
