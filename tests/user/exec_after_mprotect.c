// Code written to a page and made executable with mprotect runs (W^X done right).
// SYSCALLS: mmap, mprotect
#include "lvtest.h"
#include <sys/mman.h>

int main(void) {
    unsigned char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
#if defined(__x86_64__)
    const unsigned char code[] = {0xB8, 42, 0, 0, 0, 0xC3}; // mov eax, 42; ret
    memcpy(p, code, sizeof code);
#else
    const unsigned code[] = {0xd2800540, 0xd65f03c0}; // mov x0, #42; ret
    memcpy(p, code, sizeof code);
    __builtin___clear_cache((char*)p, (char*)p + sizeof code);
#endif
    CHECK_OK(mprotect(p, 4096, PROT_READ | PROT_EXEC));
    int (*fn)(void) = (int (*)(void))p;
    CHECK(fn() == 42);
    return 0;
}
