// The program break: brk(0) reports it, growing maps zeroed memory, shrinking and
// growing again gives zeroed memory again.
// SYSCALLS: brk
#include "lvtest.h"
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

static uintptr_t sys_brk(uintptr_t addr) { return (uintptr_t)syscall(SYS_brk, addr); }

int main(void) {
    uintptr_t start = sys_brk(0);
    CHECK(start != 0);
    CHECK(sys_brk(0) == start, "brk(0) moved");
    size_t grow = 4 << 20;
    uintptr_t end = sys_brk(start + grow);
    CHECK(end == start + grow, "brk grow returned %#lx, wanted %#lx", (unsigned long)end,
          (unsigned long)(start + grow));
    unsigned char* p = (unsigned char*)start;
    for (size_t i = 0; i < grow; i += 4096) CHECK(p[i] == 0, "new brk memory not zero at %zu", i);
    memset(p, 0xAB, grow);
    // Shrink, then grow again: the pages that came back must be fresh zeroes.
    CHECK(sys_brk(start + 4096) == start + 4096);
    CHECK(sys_brk(start + grow) == start + grow);
    CHECK(p[0] == 0xAB, "the page kept below the break lost its contents");
    for (size_t i = 8192; i < grow; i += 4096) CHECK(p[i] == 0, "re-grown brk memory not zero at %zu", i);
    // A request below the start of the heap fails: brk returns the unchanged break.
    CHECK(sys_brk(start - (1 << 30)) == start + grow);
    CHECK(sys_brk(start) == start);
    return 0;
}
