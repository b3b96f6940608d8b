// madvise(2) checks its range as Linux does: unmapped, kernel-half and non-canonical
// ranges give ENOMEM (never freeing anything), a range over the whole address space
// returns at once, and the advice does what it says on each kind of memory.
// The fuzzer found these: madvise(0x800000000000, 0x2ff7e040, MADV_FREE) panicked
// ("double free of physical frames"), madvise(0, 0x7fffefff106a, MADV_DONTNEED) never
// returned and ignored SIGKILL, and on aarch64 madvise(0x1000000000000, ...) freed the
// caller's own pages.
// HOST-QEMU-SKIP: qemu-user's madvise returns 0 for unmapped ranges and EINVAL for ranges outside the guest
// SYSCALLS: madvise, mmap, munmap, fork, wait4
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvtest.h"

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif

static long page;

// A raw madvise over (almost) the whole user half zaps the stack too, so the child makes
// it and exits without touching memory again: the exit status is the low byte of the
// result. ENOMEM for the hole below the program; Linux says EINVAL instead when the range
// reaches its [vvar] mapping (VM_PFNMAP), which kernels without a vDSO do not have.
static void __attribute__((noreturn)) madvise_then_exit(unsigned long addr, unsigned long len, long advice) {
#if defined(__x86_64__)
    __asm__ volatile("mov $28, %%eax\n\tsyscall\n\t"      // madvise
                     "mov %%eax, %%edi\n\tmov $231, %%eax\n\tsyscall\n\t" // exit_group(result)
                     "ud2"
                     :
                     : "D"(addr), "S"(len), "d"(advice)
                     : "rax", "rcx", "r11", "memory");
#elif defined(__aarch64__)
    register unsigned long x0 __asm__("x0") = addr;
    register unsigned long x1 __asm__("x1") = len;
    register long x2 __asm__("x2") = advice;
    __asm__ volatile("mov x8, #233\n\tsvc #0\n\t"  // madvise
                     "mov x8, #94\n\tsvc #0\n\t"   // exit_group(result)
                     "brk #0"
                     : "+r"(x0)
                     : "r"(x1), "r"(x2)
                     : "x8", "memory");
#endif
    __builtin_unreachable();
}

static int child_status(pid_t pid) {
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    return st;
}

static void whole_address_space(void) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        alarm(20); // a hang would end as SIGALRM
        madvise_then_exit(0, 0x7fffefff106aul, MADV_DONTNEED);
    }
    int st = child_status(pid);
    CHECK(WIFEXITED(st) && (WEXITSTATUS(st) == (-ENOMEM & 0xff) || WEXITSTATUS(st) == (-EINVAL & 0xff)),
          "status %#x", st);
}

static void bad_ranges(void) {
    char* keep = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(keep != MAP_FAILED);
    keep[0] = 42;
    // Kernel half, non-canonical, just past the 47- and 48-bit user halves.
    CHECK_ERR(madvise((void*)0x800000000000ul, 0x2ff7e040, MADV_FREE), ENOMEM);
    CHECK_ERR(madvise((void*)0x800000000000ul, 0x2ff7e040, MADV_DONTNEED), ENOMEM);
    CHECK_ERR(madvise((void*)0x1000000000000ul, 0x10000, MADV_DONTNEED), ENOMEM);
    CHECK_ERR(madvise((void*)0xffff800000000000ul, 0x10000, MADV_DONTNEED), ENOMEM);
    CHECK_ERR(madvise((void*)0xfffffffffffff000ul, 0x1000, MADV_FREE), EINVAL); // end wraps to 0
    // Arguments Linux rejects before looking at the memory.
    CHECK_ERR(madvise(keep + 1, page, MADV_DONTNEED), EINVAL);
    CHECK_ERR(madvise(keep, (size_t)-1, MADV_DONTNEED), EINVAL);        // rounds up to 0
    CHECK_ERR(madvise(keep, (size_t)-4096 * 2, MADV_DONTNEED), EINVAL); // wraps
    CHECK_ERR(madvise(keep, page, 7), EINVAL);
    CHECK_ERR(madvise(keep, page, 26), EINVAL);
    CHECK_ERR(madvise(keep, page, 1000), EINVAL);
    CHECK(madvise(keep, 0, MADV_DONTNEED) == 0);
    CHECK(madvise((void*)0x800000000000ul, 0, MADV_DONTNEED) == 0); // empty: 0 before any lookup
    // Nothing of ours was touched.
    CHECK(keep[0] == 42);
    munmap(keep, page);
}

static void dontneed_and_holes(void) {
    char* m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    memset(m, 7, 3 * page);
    CHECK(munmap(m + page, page) == 0);
    // The hole makes it ENOMEM, but both mapped pages are dropped anyway (as Linux).
    CHECK_ERR(madvise(m, 3 * page, MADV_DONTNEED), ENOMEM);
    CHECK(m[0] == 0 && m[2 * page] == 0);
    m[0] = 1;
    CHECK(madvise(m, page, MADV_FREE) == 0);
    CHECK(m[0] == 0 || m[0] == 1); // MADV_FREE may keep the page until memory is short
    CHECK(madvise(m, page, MADV_NORMAL) == 0);
    CHECK(madvise(m, page, MADV_WILLNEED) == 0);
    CHECK_ERR(madvise(m, 3 * page, MADV_SEQUENTIAL), ENOMEM);
    munmap(m, 3 * page);

    // Copy-on-write pages: the child's DONTNEED leaves the parent's data alone.
    char* c = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(c != MAP_FAILED);
    c[0] = 9;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(madvise(c, page, MADV_DONTNEED) == 0 && c[0] == 0 ? 0 : 1);
    CHECK(child_status(pid) == 0);
    CHECK(c[0] == 9);
    munmap(c, page);
}

static void shared_memory(void) {
    char* s = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED);
    s[0] = 5;
    // Shared pages come back from their object: DONTNEED loses nothing.
    CHECK(madvise(s, page, MADV_DONTNEED) == 0);
    CHECK(s[0] == 5);
    CHECK_ERR(madvise(s, page, MADV_FREE), EINVAL);
    CHECK_ERR(madvise(s, page, MADV_WIPEONFORK), EINVAL);
    // MADV_REMOVE punches the object: every sharer reads zeros.
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(madvise(s, page, MADV_REMOVE) == 0 ? 0 : 1);
    CHECK(child_status(pid) == 0);
    CHECK(s[0] == 0);
    munmap(s, page);
    char* p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_ERR(madvise(p, page, MADV_REMOVE), EINVAL);
    munmap(p, page);
}

static void fork_advice(void) {
    char* d = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char* w = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(d != MAP_FAILED && w != MAP_FAILED);
    memset(d, 3, 2 * page);
    memset(w, 4, 2 * page);
    CHECK(madvise(d + page, page, MADV_DONTFORK) == 0); // only the second page
    CHECK(madvise(w, page, MADV_WIPEONFORK) == 0);      // only the first page
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int ok = d[0] == 3 && msync(d + page, page, MS_ASYNC) == -1 && errno == ENOMEM && w[0] == 0 &&
                 w[page] == 4;
        _exit(ok ? 0 : 1);
    }
    CHECK(child_status(pid) == 0);
    CHECK(d[page] == 3 && w[0] == 4);
    // DOFORK and KEEPONFORK undo them.
    CHECK(madvise(d, 2 * page, MADV_DOFORK) == 0);
    CHECK(madvise(w, 2 * page, MADV_KEEPONFORK) == 0);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(d[page] == 3 && w[0] == 4 ? 0 : 1);
    CHECK(child_status(pid) == 0);
    munmap(d, 2 * page);
    munmap(w, 2 * page);
}

static void populate(void) {
    char* r = mmap(NULL, 4 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(r != MAP_FAILED);
    CHECK(madvise(r, 4 * page, MADV_POPULATE_READ) == 0);
    CHECK_ERR(madvise(r, 4 * page, MADV_POPULATE_WRITE), EINVAL);
    CHECK(mprotect(r, 4 * page, PROT_NONE) == 0);
    CHECK_ERR(madvise(r, page, MADV_POPULATE_READ), EINVAL);
    CHECK(mprotect(r, 4 * page, PROT_READ | PROT_WRITE) == 0);
    CHECK(madvise(r, 4 * page, MADV_POPULATE_WRITE) == 0);
    r[3 * page] = 1;
    CHECK(munmap(r + page, page) == 0);
    CHECK_ERR(madvise(r, 4 * page, MADV_POPULATE_READ), ENOMEM);
    munmap(r, 4 * page);
}

// A huge sparse region costs what is in it: fork, DONTNEED and munmap of 1 TiB with a
// few pages touched return at once.
static void huge_sparse(void) {
    size_t len = 1ul << 40;
    char* h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(h != MAP_FAILED);
    for (size_t off = 0; off < len; off += len / 8) h[off] = 1;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(h[len / 2] == 1 ? 0 : 1);
    CHECK(child_status(pid) == 0);
    CHECK(madvise(h, len, MADV_DONTNEED) == 0);
    CHECK(h[len / 8] == 0);
    CHECK(munmap(h, len) == 0);
}

int main(void) {
    page = sysconf(_SC_PAGESIZE);
    whole_address_space();
    bad_ranges();
    dontneed_and_holes();
    shared_memory();
    fork_advice();
    populate();
    huge_sparse();
    puts("ok");
    return 0;
}
