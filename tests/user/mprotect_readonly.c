// Writing to a page made read-only with mprotect raises SIGSEGV (and kills the process
// without a handler).
// SYSCALLS: mmap, mprotect
// EXPECT: signal=11
#include "lvtest.h"
#include <sys/mman.h>

int main(void) {
    volatile unsigned char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    p[0] = 1;
    CHECK_OK(mprotect((void*)p, 4096, PROT_READ));
    CHECK(p[0] == 1);
    p[0] = 2; // faults
    return 0;
}
