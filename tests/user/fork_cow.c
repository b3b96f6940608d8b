// After fork, private memory is a copy (writes on either side stay there, whenever they
// happen, including writes made by the kernel on the program's behalf), while
// MAP_SHARED memory stays shared between parent and child.
// SYSCALLS: fork, mmap, wait4, read, pipe2
#include "lvtest.h"
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGES 64

int main(void) {
    size_t len = PAGES * 4096;
    char* priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char* shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(priv != MAP_FAILED && shared != MAP_FAILED);
    for (int i = 0; i < PAGES; i++) priv[i * 4096] = 'p';
    shared[0] = 's';
    int go[2], done[2];
    CHECK_OK(pipe(go));
    CHECK_OK(pipe(done));

    pid_t c = CHECK_OK(fork());
    if (c == 0) {
        char x;
        if (read(go[0], &x, 1) != 1) _exit(10);
        // The parent wrote after the fork: we must still see the old contents.
        for (int i = 0; i < PAGES; i++)
            if (priv[i * 4096] != 'p') _exit(11);
        if (shared[0] != 'S') _exit(12); // ...but its write to shared memory is visible
        for (int i = 0; i < PAGES; i += 2) priv[i * 4096] = 'c';
        // A kernel write into a copy-on-write page (read into it from a pipe).
        if (write(done[1], "k", 1) != 1) _exit(13);
        if (read(go[0], priv + 4096 * 3, 1) != 1 || priv[4096 * 3] != 'K') _exit(14);
        shared[1] = 'C';
        _exit(0);
    }
    for (int i = 1; i < PAGES; i += 2) priv[i * 4096] = 'P';
    shared[0] = 'S';
    CHECK(write(go[1], "x", 1) == 1);
    char k;
    CHECK(read(done[0], &k, 1) == 1);
    CHECK(write(go[1], "K", 1) == 1);
    int status;
    CHECK(waitpid(c, &status, 0) == c);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
    for (int i = 0; i < PAGES; i++) {
        char want = (i % 2) ? 'P' : 'p';
        CHECK(priv[i * 4096] == want, "page %d is %c: the child's write leaked", i, priv[i * 4096]);
    }
    CHECK(shared[1] == 'C', "the child's write to shared memory is visible");

    // Many forks of a process with a large heap stay cheap and correct.
    char* big = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(big != MAP_FAILED);
    for (size_t off = 0; off < (64u << 20); off += 4096) big[off] = 1;
    for (int i = 0; i < 20; i++) {
        pid_t p = CHECK_OK(fork());
        if (p == 0) _exit(big[12345 * 4096 % (64 << 20)] == 1 ? 0 : 1);
        CHECK(waitpid(p, &status, 0) == p && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    puts("cow ok");
    return 0;
}
