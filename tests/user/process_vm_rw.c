// process_vm_readv/process_vm_writev between a parent and its forked child: scattered
// local and remote iovecs, a write into the child's private (copy-on-write) memory that
// the child sees and the parent does not, partial transfers stopping at an unmapped
// remote page, and the errors (EINVAL flags, ESRCH, EFAULT).
// SYSCALLS: process_vm_readv, process_vm_writev, fork, wait4
// HOST-QEMU-SKIP: under qemu-aarch64 the other process is the emulator, whose memory differs (the run hangs)
#define _GNU_SOURCE
#include "lvtest.h"
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static char g_buf[8192] = "parent";

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    // A remote range whose second page is unmapped (the same addresses in the child).
    char* two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(two != MAP_FAILED);
    CHECK_OK(munmap(two + page, page));
    memset(two, 'z', page);

    int to_parent[2], to_child[2];
    CHECK_OK(pipe(to_parent));
    CHECK_OK(pipe(to_child));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        strcpy(g_buf, "child's own data");
        strcpy(g_buf + 5000, "far away");
        char c = 'r';
        if (write(to_parent[1], &c, 1) != 1) _exit(2);
        if (read(to_child[0], &c, 1) != 1) _exit(3); // the parent has written
        _exit(strcmp(g_buf, "written by the parent") == 0 ? 0 : 4);
    }
    char c;
    CHECK(read(to_parent[0], &c, 1) == 1);

    // Two local pieces from two remote ones.
    char a[6] = {0}, b[32] = {0};
    struct iovec local[2] = {{a, 5}, {b, sizeof b - 1}};
    struct iovec remote[2] = {{g_buf, 16}, {g_buf + 5000, 8}};
    ssize_t n = process_vm_readv(pid, local, 2, remote, 2, 0);
    CHECK(n == 24, "readv: %zd (%s)", n, strerror(errno));
    CHECK(strcmp(a, "child") == 0 && memcmp(b, "'s own datafar away", 19) == 0, "got '%s' '%s'", a, b);
    CHECK(strcmp(g_buf, "parent") == 0);

    // Partial: the remote range runs into the unmapped page.
    static char big[2 * 65536];
    struct iovec lbig = {big, 2 * page};
    struct iovec rtwo = {two, 2 * page};
    n = process_vm_readv(pid, &lbig, 1, &rtwo, 1, 0);
    CHECK(n == page, "partial read: %zd", n);
    CHECK(big[0] == 'z' && big[page - 1] == 'z');
    struct iovec rbad = {two + page, 16};
    CHECK_ERR(process_vm_readv(pid, &lbig, 1, &rbad, 1, 0), EFAULT);
    CHECK_ERR(process_vm_readv(pid, &lbig, 1, &rtwo, 1, 1), EINVAL);

    // Into the child's copy-on-write page: the child sees it, this process does not.
    const char msg[] = "written by the parent";
    struct iovec lw = {(void*)msg, sizeof msg};
    struct iovec rw = {g_buf, sizeof msg};
    CHECK(process_vm_writev(pid, &lw, 1, &rw, 1, 0) == (ssize_t)sizeof msg, "writev: %s", strerror(errno));
    CHECK(strcmp(g_buf, "parent") == 0, "the parent's copy changed: '%s'", g_buf);
    CHECK(write(to_child[1], &c, 1) == 1);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %#x", status);
    CHECK_ERR(process_vm_readv(pid, local, 2, remote, 2, 0), ESRCH); // reaped
    return 0;
}
