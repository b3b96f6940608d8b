// getrandom fills buffers with bytes that differ between calls; bad flags are EINVAL.
// SYSCALLS: getrandom
#include "lvtest.h"
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    CHECK(getrandom(a, sizeof a, 0) == sizeof a);
    CHECK(getrandom(b, sizeof b, GRND_NONBLOCK) == sizeof b);
    CHECK(memcmp(a, b, sizeof a) != 0, "two calls returned the same bytes");
    int zeros = 0;
    for (unsigned i = 0; i < sizeof a; i++) zeros += a[i] == 0;
    CHECK(zeros < 16, "%d of 64 bytes are zero", zeros);
    static unsigned char big[1 << 16];
    long n = CHECK_OK(syscall(SYS_getrandom, big, sizeof big, 0));
    CHECK(n > 0 && n <= (long)sizeof big);
    CHECK(syscall(SYS_getrandom, a, 0, 0) == 0);
    CHECK_ERR(syscall(SYS_getrandom, a, sizeof a, 0x80), EINVAL);
    return 0;
}
