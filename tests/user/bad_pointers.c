// Bad pointers never take the kernel down: every syscall handed an address it may not
// touch (NULL page, kernel half, unmapped, read-only where it must write) fails with EFAULT,
// and the program carries on. (A hole is not tested: a later mmap may fill it.)
// SYSCALLS: read, write, writev, openat, newfstatat, fstat, uname, clock_gettime, gettimeofday, getrandom, pipe2, rt_sigaction, rt_sigprocmask, nanosleep, getcwd, readlinkat, execve, getdents64, futex, prlimit64, sigaltstack, wait4
#include "lvtest.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static long sc(long n, long a, long b, long c, long d) { return syscall(n, a, b, c, d, 0, 0); }

#define EXPECT_FAULT(expr)                                                                  \
    do {                                                                                    \
        errno = 0;                                                                          \
        long _r = (expr);                                                                   \
        if (_r != -1 || errno != EFAULT)                                                    \
            LV_FAIL("%s with address %#lx: returned %ld, errno %d (%s), expected EFAULT",    \
                    #expr, (unsigned long)bad, _r, errno, strerror(errno));                 \
    } while (0)

int main(void) {
    int zero = CHECK_OK(open("/dev/zero", O_RDONLY));
    int dir = CHECK_OK(open("/", O_RDONLY | O_DIRECTORY));
    int p[2];
    CHECK_OK(pipe(p));
    char* noaccess = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(noaccess != MAP_FAILED);
    char* readonly = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(readonly != MAP_FAILED);

    unsigned long bads[] = {
        0, 1, 4095,                    // the NULL page
        0xffff800000000000ul,          // kernel half (canonical on x86_64, TTBR1 on aarch64)
        0xffffffff80001000ul,          // where kernels keep their image
        (unsigned long)noaccess,       // mapped PROT_NONE
        0x0000800000000000ul - 8,      // straddling the top of the user half
    };
    for (unsigned i = 0; i < sizeof bads / sizeof *bads; i++) {
        unsigned long bad = bads[i];
        EXPECT_FAULT(sc(SYS_write, p[1], bad, 16, 0));
        EXPECT_FAULT(sc(SYS_read, zero, bad, 16, 0));
        EXPECT_FAULT(sc(SYS_openat, AT_FDCWD, bad, O_RDONLY, 0));
        EXPECT_FAULT(sc(SYS_fstat, zero, bad, 0, 0));
        EXPECT_FAULT(sc(SYS_uname, bad, 0, 0, 0));
        EXPECT_FAULT(sc(SYS_clock_gettime, CLOCK_MONOTONIC, bad, 0, 0));
        if (bad) EXPECT_FAULT(sc(SYS_gettimeofday, bad, 0, 0, 0)); // NULL means "none" here
        EXPECT_FAULT(sc(SYS_getrandom, bad, 16, 0, 0));
        EXPECT_FAULT(sc(SYS_pipe2, bad, 0, 0, 0));
        if (bad) EXPECT_FAULT(sc(SYS_rt_sigaction, SIGUSR1, bad, 0, 8)); // NULL means "none" here
        if (bad) EXPECT_FAULT(sc(SYS_rt_sigprocmask, SIG_BLOCK, bad, 0, 8)); // NULL means "none" here
#ifndef __aarch64__
        // qemu-aarch64 (the aarch64 reference here) answers EINVAL for any bad pointer.
        if (bad) EXPECT_FAULT(sc(SYS_nanosleep, bad, 0, 0, 0));
#endif
        EXPECT_FAULT(sc(SYS_getcwd, bad, 256, 0, 0));
        EXPECT_FAULT(sc(SYS_readlinkat, AT_FDCWD, (long)"/proc/self/exe", bad, 256));
        EXPECT_FAULT(sc(SYS_getdents64, dir, bad, 4096, 0));
        if (!(bad & 3)) EXPECT_FAULT(sc(SYS_futex, bad, 0 /* FUTEX_WAIT */, 0, 0)); // misaligned: EINVAL first
        if (bad) EXPECT_FAULT(sc(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, bad)); // NULL means "none" here
        if (bad) EXPECT_FAULT(sc(SYS_sigaltstack, bad, 0, 0, 0)); // NULL means "none" here
        EXPECT_FAULT(sc(SYS_execve, bad, 0, 0, 0));
        struct iovec iov = {(void*)bad, 16};
        EXPECT_FAULT(sc(SYS_writev, p[1], (long)&iov, 1, 0));
        EXPECT_FAULT(sc(SYS_writev, p[1], bad, 1, 0));
        lseek(dir, 0, SEEK_SET);
    }
    // Memory the kernel may read but not write.
    unsigned long bad = (unsigned long)readonly;
    EXPECT_FAULT(sc(SYS_read, zero, bad, 16, 0));
    EXPECT_FAULT(sc(SYS_uname, bad, 0, 0, 0));
    EXPECT_FAULT(sc(SYS_clock_gettime, CLOCK_MONOTONIC, bad, 0, 0));
    EXPECT_FAULT(sc(SYS_pipe2, bad, 0, 0, 0));
    CHECK(sc(SYS_write, p[1], bad, 16, 0) == 16, "reading a read-only page is fine");
    // Nothing was written by the failed calls.
    char buf[64];
    CHECK(read(p[0], buf, sizeof buf) == 16);
    puts("bad pointers ok");
    return 0;
}
