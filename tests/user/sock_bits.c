// Socket arguments that qemu-aarch64 rewrites before Linux sees them: unknown flag
// bits in socket()'s type are EINVAL; getsockopt with a buffer shorter than the
// option's value copies a truncated value and reports the shorter length.
// HOST-QEMU-SKIP: qemu-aarch64 masks socket type bits and emulates getsockopt lengths itself
// SYSCALLS: socket, getsockopt
#define _GNU_SOURCE
#include "lvtest.h"
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    CHECK_ERR(socket(AF_UNIX, 99, 0), EINVAL);
    CHECK_ERR(socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL);
    int s = CHECK_OK(socket(AF_UNIX, SOCK_SEQPACKET, 0));
    short sh = -1;
    socklen_t len = sizeof sh;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_TYPE, &sh, &len));
    CHECK(len == sizeof sh && sh == SOCK_SEQPACKET, "len %u value %d", len, sh);
    signed char c = -1;
    len = 0;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_TYPE, &c, &len));
    CHECK(len == 0 && c == -1);
    close(s);
    return 0;
}
