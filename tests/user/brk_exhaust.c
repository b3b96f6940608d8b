// The heap grows with brk until the kernel refuses, then shrinks back, as LTP's sbrk
// tests do; this wedged the guest (shrinking a huge heap walked every page). A break
// that would wrap or lie outside the user half is refused: brk returns the old break.
// HOST-QEMU-SKIP: qemu-user emulates brk inside its own reserved guest space, with other limits
// SYSCALLS: brk
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lvtest.h"

static uintptr_t raw_brk(uintptr_t want) { return (uintptr_t)syscall(SYS_brk, want); }

int main(void) {
    uintptr_t start = raw_brk(0);
    CHECK(start != 0);
    // Refused outright: the break does not move.
    CHECK(raw_brk(~(uintptr_t)0) == start);
    CHECK(raw_brk(~(uintptr_t)0 - 4096) == start);
    CHECK(raw_brk((uintptr_t)0xffff800000000000ull) == start);
    CHECK(raw_brk(1) == start); // below the heap
    // Grow in 1 GiB steps until the break stops moving.
    const uintptr_t step = 1ul << 30;
    uintptr_t cur = start;
    long steps = 0;
    for (; steps < 1000000; steps++) {
        uintptr_t next = raw_brk(cur + step);
        if (next != cur + step) {
            CHECK(next == cur, "a failed brk must return the old break");
            break;
        }
        cur = next;
        if (steps % 4096 == 0) *(volatile char*)(cur - 1) = 1; // touch a page now and then
    }
    CHECK(steps > 16 && steps < 1000000, "%ld steps", steps);
    CHECK(raw_brk(0) == cur);
    *(volatile char*)(cur - 1) = 2;
    // Shrink halfway in steps, then all the way at once.
    for (long i = 0; i < steps / 2 && i < 4096; i++) {
        cur -= step;
        CHECK(raw_brk(cur) == cur);
    }
    CHECK(raw_brk(start) == start);
    CHECK(raw_brk(0) == start);
    // The heap works again afterwards.
    CHECK(raw_brk(start + 65536) == start + 65536);
    memset((void*)start, 0x5a, 65536);
    CHECK(((volatile char*)start)[65535] == 0x5a);
    CHECK(raw_brk(start) == start);
    puts("ok");
    return 0;
}
