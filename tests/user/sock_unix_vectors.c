// readv/writev on sockets: on datagram and seqpacket sockets the whole vector is one
// message (writev sends one, readv spreads one over the segments and truncates the
// rest); an all-empty readv reads nothing; too many segments is EINVAL.
// SYSCALLS: socketpair, readv, writev
#define _GNU_SOURCE
#include "lvtest.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void) {
    for (int type = SOCK_DGRAM; type <= SOCK_SEQPACKET; type += SOCK_SEQPACKET - SOCK_DGRAM) {
        int sv[2];
        CHECK_OK(socketpair(AF_UNIX, type, 0, sv));
        struct iovec out[3] = {{"one ", 4}, {"two ", 4}, {"three", 5}};
        CHECK(writev(sv[0], out, 3) == 13);
        CHECK(writev(sv[0], out + 2, 1) == 5);
        char a[6] = {0}, b[3] = {0}, c[64];
        struct iovec in[2] = {{a, 6}, {b, 3}};
        struct iovec none[1] = {{c, 0}};
        CHECK(readv(sv[1], none, 1) == 0); // reads nothing, takes nothing
        CHECK(readv(sv[1], in, 2) == 9);   // one message, cut after 9 bytes
        CHECK(memcmp(a, "one tw", 6) == 0 && memcmp(b, "o t", 3) == 0);
        CHECK(read(sv[1], c, sizeof c) == 5 && memcmp(c, "three", 5) == 0); // the next message whole
        CHECK(send(sv[0], "xy", 2, 0) == 2);
        struct iovec big[2] = {{c, 1}, {c + 1, 10}};
        CHECK(readv(sv[1], big, 2) == 2 && memcmp(c, "xy", 2) == 0);
        static struct iovec many[1025];
        for (int i = 0; i < 1025; i++) many[i] = (struct iovec){c, 1};
        CHECK_ERR(readv(sv[1], many, 1025), EINVAL);
        CHECK_ERR(writev(sv[0], many, 1025), EINVAL);
        close(sv[0]);
        close(sv[1]);
    }
    // A stream keeps no boundaries: readv fills the segments from what is there.
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    struct iovec out[2] = {{"abc", 3}, {"defg", 4}};
    CHECK(writev(sv[0], out, 2) == 7);
    char a[2], b[8];
    struct iovec in[2] = {{a, 2}, {b, 8}};
    CHECK(readv(sv[1], in, 2) == 7 && memcmp(a, "ab", 2) == 0 && memcmp(b, "cdefg", 5) == 0);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
