// Bad user pointers make syscalls fail with EFAULT; they never crash the kernel or
// kill the caller. A zero-length buffer is not checked (read(2): "may return 0").
// SYSCALLS: write, uname, clock_gettime, getrandom, rt_sigaction
#include "lvtest.h"
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    void* null_page = (void*)16;
    void* unmapped = (void*)0x10000000000ul; // 1 TiB: nothing there in a small static program
    void* kernel_half = (void*)0xffff800000001000ul;
    void* bad[] = {null_page, unmapped, kernel_half};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        // Raw syscalls: libc wrappers (and the vDSO) would touch the pointers themselves.
        CHECK_ERR(syscall(SYS_write, 1, bad[i], 8), EFAULT);
        CHECK_ERR(syscall(SYS_uname, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad[i]), EFAULT);
        CHECK_ERR(syscall(SYS_getrandom, bad[i], 16, 0), EFAULT);
        CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, bad[i], NULL, 8), EFAULT);
    }
    CHECK(syscall(SYS_write, 1, NULL, 0) == 0);
    return 0;
}
