// A large anonymous mapping is backed on demand: only touched pages cost memory, and
// every touched page holds what was written.
// SYSCALLS: mmap, munmap
#include "lvtest.h"
#include <sys/mman.h>

int main(void) {
    const size_t len = (size_t)1 << 30; // 1 GiB of address space, 16 MiB touched
    unsigned char* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    for (size_t i = 0; i < len; i += 64 * 4096) p[i] = (unsigned char)(i >> 18);
    for (size_t i = 0; i < len; i += 64 * 4096) CHECK(p[i] == (unsigned char)(i >> 18), "page at %zu", i);
    CHECK_OK(munmap(p, len));
    return 0;
}
