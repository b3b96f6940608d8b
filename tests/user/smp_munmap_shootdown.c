// munmap and mprotect while another thread (on another CPU, where there is one) keeps
// reading a page: the reader must fault soon after the call returns, so the kernel
// has dropped the mapping from every CPU's TLB. Repeated, to catch a stale entry, for
// one page, a short range and a long one (which the kernel flushes whole), reading its
// last page.
// SYSCALLS: munmap, mprotect, mmap, rt_sigaction
// TIMEOUT: 120
#include "lvtest.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>

#define ROUNDS 40

static volatile int* volatile page;
static volatile int started, faulted;
static sigjmp_buf jump;

static void on_segv(int sig) {
    faulted = 1;
    siglongjmp(jump, 1);
}

static void* spin_reader(void* arg) {
    if (sigsetjmp(jump, 1)) return NULL; // faulted: done
    long sum = 0;
    for (;;) {
        sum += *page;
        started = 1;
    }
    return (void*)sum;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void round_trip(int use_mprotect, size_t pages) {
    size_t len = pages * 4096;
    int* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    for (size_t i = 0; i < pages; i++) p[i * 1024] = 7;
    page = p + (pages - 1) * 1024;
    started = 0;
    faulted = 0;
    pthread_t t;
    CHECK(pthread_create(&t, NULL, spin_reader, NULL) == 0);
    while (!started) sched_yield();
    if (use_mprotect) CHECK_OK(mprotect(p, len, PROT_NONE));
    else CHECK_OK(munmap(p, len));
    double t0 = now();
    while (!faulted && now() - t0 < 10) sched_yield();
    CHECK(faulted, "the reader still reads page %zu 10 s after %s", pages - 1, use_mprotect ? "mprotect" : "munmap");
    CHECK(pthread_join(t, NULL) == 0);
    if (use_mprotect) CHECK_OK(munmap(p, len));
}

int main(void) {
    struct sigaction sa = {.sa_handler = on_segv};
    CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
    static const size_t sizes[] = {1, 8, 64};
    for (int i = 0; i < ROUNDS; i++) round_trip(i & 1, sizes[(i / 2) % 3]);
    puts("ok");
    return 0;
}
