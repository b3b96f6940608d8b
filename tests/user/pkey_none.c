// Protection keys on a machine without them (pkeys(7)): pkey_alloc finds no free key
// (ENOSPC), pkey_free and pkey_mprotect refuse other keys (EINVAL), and pkey_mprotect
// with key -1 is mprotect. (arm64 Linux 6.1 has no pkey calls at all.)
// ARCH: x86_64
// SYSCALLS: pkey_alloc, pkey_free, pkey_mprotect
#define _GNU_SOURCE
#include "lvtest.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static sigjmp_buf env;
static void on_segv(int sig) { siglongjmp(env, 1); }

int main(void) {
    CHECK_ERR(syscall(SYS_pkey_alloc, 1, 0), EINVAL);  // no flags are defined
    CHECK_ERR(syscall(SYS_pkey_alloc, 0, 4), EINVAL);  // only DISABLE_ACCESS | DISABLE_WRITE
    // The first call may say EINVAL on some host kernels; from then on it is ENOSPC.
    errno = 0;
    CHECK(syscall(SYS_pkey_alloc, 0, 0) == -1 && (errno == ENOSPC || errno == EINVAL));
    CHECK_ERR(syscall(SYS_pkey_alloc, 0, 0), ENOSPC);
    CHECK_ERR(syscall(SYS_pkey_alloc, 0, 3), ENOSPC);
    CHECK_ERR(syscall(SYS_pkey_free, 1), EINVAL);
    CHECK_ERR(syscall(SYS_pkey_free, 15), EINVAL);

    char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    p[0] = 1;
    CHECK_ERR(syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, 1), EINVAL);
    CHECK_ERR(syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, 5), EINVAL);
    CHECK(syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, -1) == 0);
    signal(SIGSEGV, on_segv);
    if (sigsetjmp(env, 1) == 0) {
        *(volatile char*)p = 2;
        LV_FAIL("the page is still writable");
    }
    CHECK(*(volatile char*)p == 1);
    CHECK_ERR(syscall(SYS_pkey_mprotect, p + 1, 4096, PROT_READ, -1), EINVAL); // as mprotect: unaligned
    CHECK(syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_WRITE, -1) == 0);
    p[0] = 3;
    return 0;
}
