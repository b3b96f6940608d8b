// Large binary output (every byte value, including the serial framing byte 0xFE)
// reaches stdout intact and separate from stderr.
// SYSCALLS: write, writev
// EXPECT-STDOUT-SHA256: d1c71896dc379a7f1037e8a3a194eeb147a8e0e789ed6f2708e0983f1226bb66
#include "lvtest.h"
#include <sys/uio.h>
#include <unistd.h>

int main(void) {
    static unsigned char buf[200000];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 131 + (i >> 8));
    size_t off = 0;
    while (off < sizeof buf - 1000) {
        ssize_t n = write(1, buf + off, sizeof buf - 1000 - off);
        CHECK(n > 0);
        off += (size_t)n;
    }
    struct iovec iov[2] = {{buf + off, 600}, {buf + off + 600, 400}};
    CHECK(writev(1, iov, 2) == 1000);
    CHECK(write(2, "stderr is separate\n", 19) == 19);
    return 0;
}
