// A SIGSEGV handler sees the faulting address in si_addr and the right si_code, and
// can leave the fault with siglongjmp.
// SYSCALLS: rt_sigaction, rt_sigprocmask, mmap
#include "lvtest.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

static sigjmp_buf env;
static void* volatile fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t* info, void* ctx) {
    fault_addr = info->si_addr;
    fault_code = info->si_code;
    siglongjmp(env, 1);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    CHECK_OK(sigaction(SIGSEGV, &sa, NULL));

    // Unmapped address: SEGV_MAPERR.
    volatile int* bad = (volatile int*)0x1000;
    if (sigsetjmp(env, 1) == 0) {
        *bad = 1;
        LV_FAIL("store to an unmapped address did not fault");
    }
    CHECK(fault_addr == (void*)bad, "si_addr %p, expected %p", fault_addr, (void*)bad);
    CHECK(fault_code == SEGV_MAPERR, "si_code %d", fault_code);

    // Read-only page: SEGV_ACCERR, and the handler runs again (the mask was restored).
    char* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    if (sigsetjmp(env, 1) == 0) {
        ro[100] = 1;
        LV_FAIL("store to a read-only page did not fault");
    }
    CHECK(fault_addr == ro + 100, "si_addr %p, expected %p", fault_addr, (void*)(ro + 100));
    CHECK(fault_code == SEGV_ACCERR, "si_code %d", fault_code);
    return 0;
}
