// preadv2/pwritev2: offset -1 means the file position (like readv/writev), unknown
// RWF_ flags are EOPNOTSUPP.
// SYSCALLS: preadv2, pwritev2
// HOST-QEMU-SKIP: qemu-aarch64 has no preadv2/pwritev2
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void) {
    char path[] = "/tmp/fspv2XXXXXX";
    int fd = CHECK_OK(mkstemp(path));
    CHECK_OK(unlink(path));
    char buf[8];
    struct iovec w = {"xyz", 3}, r = {buf, 2};
    CHECK(syscall(SYS_pwritev2, fd, &w, 1, 0L, 0L, 0) == 3);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0); // an explicit offset leaves the position alone
    CHECK(lseek(fd, 1, SEEK_SET) == 1);
    CHECK(syscall(SYS_preadv2, fd, &r, 1, -1L, -1L, 0) == 2 && memcmp(buf, "yz", 2) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 3);
    CHECK(syscall(SYS_preadv2, fd, &r, 1, 0L, 0L, 0) == 2 && memcmp(buf, "xy", 2) == 0);
    CHECK(syscall(SYS_pwritev2, fd, &w, 1, -1L, -1L, 0) == 3);
    CHECK(lseek(fd, 0, SEEK_CUR) == 6);
    CHECK_ERR(syscall(SYS_preadv2, fd, &r, 1, 0L, 0L, 0x1000), EOPNOTSUPP);
    CHECK_OK(close(fd));
    return 0;
}
