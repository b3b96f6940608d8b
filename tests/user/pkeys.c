// Memory protection keys (pkeys(7)). With PKU enabled by the kernel (the first
// pkey_alloc succeeds: QEMU's -cpu max, where the guest runs; CPUID is not to be trusted
// on this host, whose hypervisor does not intercept it): a new program's PKRU is 0x55555554, pkey_alloc hands
// out keys 1..15 and sets the caller's rights, pkey_mprotect tags pages, the MMU then
// refuses accesses the thread's PKRU forbids with SIGSEGV/SEGV_PKUERR and the key in
// si_pkey, and the kernel's own copies with EFAULT; signal handlers start with the
// default PKRU and sigreturn restores the old one; fork keeps keys and rights; pkey_free
// gives a key back. Without PKU (the host here): no key can be allocated and none is
// valid, and pkey_mprotect with key -1 is mprotect. The PKU half was checked against
// Debian's Linux 6.1 under QEMU -cpu max. (arm64 Linux 6.1 has no pkey calls at all.)
// ARCH: x86_64
// SYSCALLS: pkey_alloc, pkey_free, pkey_mprotect
#define _GNU_SOURCE
#include "lvtest.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PKEY_DISABLE_ACCESS
#define PKEY_DISABLE_ACCESS 1
#define PKEY_DISABLE_WRITE 2
#endif
#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

static uint32_t rdpkru(void) {
    uint32_t eax, edx;
    __asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
    return eax;
}
static void wrpkru(uint32_t v) { __asm__ volatile(".byte 0x0f, 0x01, 0xef" : : "a"(v), "c"(0), "d"(0) : "memory"); }
static uint32_t rights(uint32_t pkru, int key) { return (pkru >> (2 * key)) & 3; }

static sigjmp_buf env;
static int have_pku; // RDPKRU is an invalid instruction without it
static volatile int seen_code, seen_pkey;
static volatile void* seen_addr;
static volatile uint32_t handler_pkru;
static void on_segv(int sig, siginfo_t* si, void* uc) {
    seen_code = si->si_code;
    seen_addr = si->si_addr;
    seen_pkey = *(uint32_t*)((char*)si + 32); // si_pkey: after si_addr and an 8-byte pad
    if (have_pku) handler_pkru = rdpkru();
    siglongjmp(env, 1);
}
static void on_usr1(int sig) { handler_pkru = rdpkru(); }

// Reads (or writes) *p, expecting a SEGV_PKUERR fault for key `key`.
static void expect_pkey_fault(volatile char* p, int write, int key, uint32_t pkru) {
    seen_code = 0;
    if (sigsetjmp(env, 1) == 0) {
        if (write) *p = 9;
        else (void)*p;
        LV_FAIL("the %s at %p did not fault (PKRU %#x)", write ? "write" : "read", (void*)p, pkru);
    }
    wrpkru(pkru); // siglongjmp leaves the handler's PKRU
    CHECK(seen_code == SEGV_PKUERR, "si_code %d", seen_code);
    CHECK(seen_addr == p);
    CHECK(seen_pkey == key, "si_pkey %d, want %d", seen_pkey, key);
    CHECK(handler_pkru == 0x55555554, "the handler ran with PKRU %#x", handler_pkru);
}

static void without_pku(void) {
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
    struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
    sigaction(SIGSEGV, &sa, NULL);
    seen_code = 0;
    if (sigsetjmp(env, 1) == 0) {
        *(volatile char*)p = 2;
        LV_FAIL("the page is still writable");
    }
    CHECK(seen_code == SEGV_ACCERR);
    CHECK(*(volatile char*)p == 1);
    CHECK_ERR(syscall(SYS_pkey_mprotect, p + 1, 4096, PROT_READ, -1), EINVAL); // as mprotect: unaligned
    CHECK(syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_WRITE, -1) == 0);
    p[0] = 3;
}

static void with_pku(int k1) {
    // A new program's PKRU is 0x55555554 (keys 1-15 access-disabled); the first
    // allocation gave key 1 and opened it.
    CHECK(k1 == 1, "first key %d", k1);
    CHECK(rdpkru() == 0x55555550, "PKRU %#x", rdpkru());
    int k2 = CHECK_OK(syscall(SYS_pkey_alloc, 0, PKEY_DISABLE_WRITE));
    CHECK(k2 == 2, "second key %d", k2);
    CHECK(rights(rdpkru(), k2) == PKEY_DISABLE_WRITE);
    int k3 = CHECK_OK(syscall(SYS_pkey_alloc, 0, PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE));
    CHECK(rights(rdpkru(), k3) == 3);
    CHECK(rights(rdpkru(), 0) == 0, "key 0 stays open");

    char* p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    p[0] = 1;
    p[4096] = 2;
    CHECK_ERR(syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_WRITE, 9), EINVAL); // not allocated
    CHECK_ERR(syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_WRITE, 16), EINVAL);
    CHECK(syscall(SYS_pkey_mprotect, p, 0, PROT_READ | PROT_WRITE, 9) == 0); // length 0: nothing checked
    CHECK(syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_WRITE, k1) == 0);
    // Only the first page has the key: the second is still key 0.
    struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

    uint32_t open_pkru = rdpkru();
    uint32_t no_access = open_pkru | (PKEY_DISABLE_ACCESS << (2 * k1));
    uint32_t no_write = open_pkru | (PKEY_DISABLE_WRITE << (2 * k1));
    // Access disabled: reads and writes fault; the other page does not.
    wrpkru(no_access);
    expect_pkey_fault(p, 0, k1, no_access);
    expect_pkey_fault(p, 1, k1, no_access);
    CHECK(p[4096] == 2);
    // The kernel's copies obey the thread's PKRU too.
    int fds[2];
    CHECK(pipe(fds) == 0);
    CHECK_ERR(write(fds[1], p, 1), EFAULT);
    CHECK(write(fds[1], "x", 1) == 1);
    CHECK_ERR(read(fds[0], p, 1), EFAULT);
    // Write disabled: reads work, writes fault, the kernel may read but not write.
    wrpkru(no_write);
    CHECK(p[0] == 1);
    expect_pkey_fault(p, 1, k1, no_write);
    CHECK(write(fds[1], p, 1) == 1);
    CHECK_ERR(read(fds[0], p, 1), EFAULT);
    char c;
    CHECK(read(fds[0], &c, 1) == 1 && c == 'x');
    CHECK(read(fds[0], &c, 1) == 1 && c == 1);
    // mprotect (no key) keeps the page's key.
    CHECK(mprotect(p, 4096, PROT_READ | PROT_WRITE) == 0);
    expect_pkey_fault(p, 1, k1, no_write);
    wrpkru(open_pkru);
    p[0] = 5;

    // A signal handler starts with the default PKRU; sigreturn restores the old one.
    wrpkru(0);
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    CHECK(handler_pkru == 0x55555554, "handler PKRU %#x", handler_pkru);
    CHECK(rdpkru() == 0, "PKRU after the handler %#x", rdpkru());

    // fork: the child has the parent's PKRU and the page keeps its key.
    wrpkru(no_access);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (rdpkru() != no_access) _exit(2);
        if (sigsetjmp(env, 1) == 0) {
            (void)*(volatile char*)p;
            _exit(3);
        }
        _exit(seen_code == SEGV_PKUERR && seen_pkey == k1 ? 0 : 4);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
    wrpkru(open_pkru);

    // pkey_free: the key goes back (the pages keep it); a free key is refused.
    CHECK(syscall(SYS_pkey_free, k2) == 0);
    CHECK_ERR(syscall(SYS_pkey_free, k2), EINVAL);
    CHECK_ERR(syscall(SYS_pkey_free, 16), EINVAL);
    CHECK_ERR(syscall(SYS_pkey_free, -1), EINVAL);
    CHECK_ERR(syscall(SYS_pkey_mprotect, p, 4096, PROT_READ, k2), EINVAL);
    CHECK(syscall(SYS_pkey_alloc, 0, 0) == k2, "a freed key is the lowest free one");
    // Every key but 0 can be had: 1..15, then ENOSPC.
    int got = 3; // k1, k2, k3
    while (syscall(SYS_pkey_alloc, 0, 0) >= 0) got++;
    CHECK(errno == ENOSPC, "errno %d", errno);
    CHECK(got == 15, "%d keys", got);
    CHECK_ERR(syscall(SYS_pkey_alloc, 1, 0), EINVAL); // no flags are defined
    CHECK_ERR(syscall(SYS_pkey_alloc, 0, 4), EINVAL); // only DISABLE_ACCESS | DISABLE_WRITE
}

int main(void) {
    CHECK_ERR(syscall(SYS_pkey_alloc, 1, 0), EINVAL); // no flags are defined
    CHECK_ERR(syscall(SYS_pkey_alloc, 0, 4), EINVAL); // only DISABLE_ACCESS | DISABLE_WRITE
    errno = 0;
    long k = syscall(SYS_pkey_alloc, 0, 0);
    // Without PKU: ENOSPC (EINVAL on some host kernels' first call).
    CHECK(k >= 0 || errno == ENOSPC || errno == EINVAL);
    have_pku = k >= 0;
    if (have_pku) with_pku((int)k);
    else without_pku();
    printf("pkeys: %s\n", have_pku ? "with PKU" : "without PKU");
    return 0;
}
