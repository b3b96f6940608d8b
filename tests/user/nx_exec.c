// Memory mapped without PROT_EXEC cannot be executed: jumping into it raises SIGSEGV.
// SYSCALLS: mmap
// EXPECT: signal=11
#include "lvtest.h"
#include <sys/mman.h>

int main(void) {
    unsigned char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
#if defined(__x86_64__)
    p[0] = 0xC3; // ret
#else
    const unsigned ret = 0xd65f03c0; // ret
    memcpy(p, &ret, 4);
#endif
    void (*fn)(void) = (void (*)(void))p;
    fn(); // faults: the page is not executable
    return 0;
}
