// stdin delivers what the runner was given, then end of file (read returns 0).
// SYSCALLS: read, write
// STDIN: hello from stdin
// EXPECT-STDOUT: HELLO FROM STDIN
#include "lvtest.h"
#include <ctype.h>
#include <unistd.h>

int main(void) {
    char buf[256];
    size_t n = 0;
    for (;;) {
        ssize_t r = read(0, buf + n, sizeof buf - n);
        CHECK(r >= 0);
        if (r == 0) break;
        n += (size_t)r;
        CHECK(n < sizeof buf, "too much input");
    }
    for (size_t i = 0; i < n; i++) buf[i] = (char)toupper((unsigned char)buf[i]);
    CHECK(write(1, buf, n) == (ssize_t)n);
    CHECK(read(0, buf, sizeof buf) == 0, "end of file is sticky");
    return 0;
}
