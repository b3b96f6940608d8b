// Anonymous mappings: zeroed, writable, placed where MAP_FIXED says, gone after munmap
// (mmap over the hole again works), and invalid arguments fail with EINVAL.
// SYSCALLS: mmap, munmap, mprotect
#include "lvtest.h"
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
    const size_t pg = 4096, len = 64 * pg;
    unsigned char* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK(((uintptr_t)p & (pg - 1)) == 0, "mapping not page aligned");
    for (size_t i = 0; i < len; i++) CHECK(p[i] == 0, "not zero at %zu", i);
    for (size_t i = 0; i < len; i += pg) p[i] = (unsigned char)(i / pg + 1);
    for (size_t i = 0; i < len; i += pg) CHECK(p[i] == (unsigned char)(i / pg + 1));

    // Unmap a hole in the middle, then map exactly there again: fresh zero pages.
    CHECK_OK(munmap(p + 8 * pg, 4 * pg));
    unsigned char* q = mmap(p + 8 * pg, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(q == p + 8 * pg, "MAP_FIXED placed the mapping at %p, not %p", (void*)q, (void*)(p + 8 * pg));
    CHECK(q[0] == 0);
    CHECK(p[7 * pg] == 8 && p[12 * pg] == 13, "neighbours of the hole changed");

    // A read-only mapping can be made writable.
    unsigned char* r = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(r != MAP_FAILED);
    CHECK(r[0] == 0);
    CHECK_OK(mprotect(r, pg, PROT_READ | PROT_WRITE));
    r[0] = 1;
    CHECK(r[0] == 1);

    // Linux's argument checks (mmap(2)): zero length, no MAP_PRIVATE/MAP_SHARED,
    // unaligned MAP_FIXED address or munmap address.
    errno = 0;
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    errno = 0;
    CHECK(mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    errno = 0;
    CHECK(mmap(p + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK_ERR(munmap(p + 1, pg), EINVAL);
    CHECK_ERR(munmap(p, 0), EINVAL);

    CHECK_OK(munmap(p, len));
    CHECK_OK(munmap(r, pg));
    CHECK_OK(munmap(p, len)); // unmapping nothing is not an error
    return 0;
}
