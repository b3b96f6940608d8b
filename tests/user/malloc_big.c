// malloc of large and many small blocks (libc uses brk and mmap), all contents intact.
// SYSCALLS: brk, mmap, munmap
#include "lvtest.h"
#include <stdint.h>

int main(void) {
    size_t big = 64u << 20;
    unsigned char* b = malloc(big);
    CHECK(b != NULL);
    for (size_t i = 0; i < big; i += 4096) b[i] = (unsigned char)i ^ 0x5A;
    for (size_t i = 0; i < big; i += 4096) CHECK(b[i] == ((unsigned char)i ^ 0x5A));
    free(b);

    enum { N = 20000 };
    static uint32_t* small[N];
    for (int i = 0; i < N; i++) {
        small[i] = malloc(16 + (i % 200));
        CHECK(small[i] != NULL);
        small[i][0] = (uint32_t)i * 2654435761u;
    }
    for (int i = 0; i < N; i++) CHECK(small[i][0] == (uint32_t)i * 2654435761u, "block %d", i);
    for (int i = 0; i < N; i += 2) free(small[i]);
    for (int i = 0; i < N; i += 2) CHECK((small[i] = calloc(1, 64)) && small[i][5] == 0);
    for (int i = 0; i < N; i++) free(small[i]);
    return 0;
}
