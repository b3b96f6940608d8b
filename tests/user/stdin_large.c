// 100 KB of binary stdin (every byte value, the framing byte 0xFE included) arrives
// complete and in order, then end of file; a slow reader loses nothing.
// SYSCALLS: read, nanosleep
// STDIN-PATTERN: 100000
#include "lvtest.h"
#include <time.h>
#include <unistd.h>

int main(void) {
    static unsigned char buf[4096];
    size_t total = 0;
    int reads = 0;
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        CHECK(n >= 0);
        if (n == 0) break;
        for (ssize_t i = 0; i < n; i++) {
            size_t at = total + (size_t)i;
            CHECK(buf[i] == (unsigned char)(at * 131 + (at >> 8)), "byte %zu is %#x", at, buf[i]);
        }
        total += (size_t)n;
        // Now and then read slowly, so that input piles up behind the reader.
        if (++reads % 8 == 0) {
            struct timespec pause = {0, 2 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    CHECK(total == 100000, "read %zu bytes", total);
    return 0;
}
