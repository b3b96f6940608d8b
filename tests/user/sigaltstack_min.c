// AT_MINSIGSTKSZ: the auxiliary vector says how much stack a signal frame takes, and an
// alternate stack of that size (or MINSIGSTKSZ, the least sigaltstack takes, if that
// is more) holds the frame of a signal delivered on it, with the FPU/vector state the
// kernel saves there: the handler runs, sees its frame inside the stack, and the
// registers come back after it. (No _GNU_SOURCE: glibc's MINSIGSTKSZ stays the
// constant.)
// SYSCALLS: sigaltstack, rt_sigaction, rt_sigreturn
// HOST-QEMU-SKIP: qemu-aarch64 (7.2) passes no AT_MINSIGSTKSZ
#include "lvtest.h"
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

static char* volatile g_lo;
static char* volatile g_hi;
static volatile int g_ran, g_inside;

static void on_usr1(int sig, siginfo_t* si, void* uc) {
    char* p = (char*)uc;
    g_inside = p >= g_lo && p < g_hi && (char*)si >= g_lo && (char*)si < g_hi;
    g_ran = 1;
}

int main(void) {
    unsigned long at = getauxval(AT_MINSIGSTKSZ);
    CHECK(at >= 1024 && at <= 65536, "AT_MINSIGSTKSZ %lu", at);
    unsigned long min = at > MINSIGSTKSZ ? at : MINSIGSTKSZ;
    long page = sysconf(_SC_PAGESIZE);
    size_t pages = (min + page - 1) / page + 1;
    char* area = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    CHECK_OK(mprotect(area, page, PROT_NONE)); // below the stack: an overflow faults
    g_hi = area + pages * page;
    g_lo = g_hi - min;
    stack_t ss = {.ss_sp = g_lo, .ss_size = min, .ss_flags = 0};
    CHECK_OK(sigaltstack(&ss, NULL));
    struct sigaction sa = {.sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO | SA_ONSTACK};
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
    // Values held across the signal in FP/vector registers.
    volatile double d = 1.25;
    double x = d * 3;
    for (int i = 0; i < 3; i++) {
        g_ran = g_inside = 0;
        CHECK_OK(raise(SIGUSR1));
        CHECK(g_ran, "the handler did not run");
        CHECK(g_inside, "the frame is not inside the %lu-byte alternate stack (AT_MINSIGSTKSZ %lu)", min, at);
        CHECK(x == 3.75, "x = %f after the handler", x);
        x += d - 1.25;
    }
    puts("ok");
    return 0;
}
