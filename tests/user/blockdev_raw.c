// A disk as a file (/dev/vda; a loop device on the host): its size from lseek(SEEK_END)
// and the BLK* ioctls, unaligned reads and writes through the cache that survive a
// reopen, fsync, short writes at the end and ENOSPC past it, reads at the end giving 0.
// The bytes it changes are put back (the runner checks the filesystem afterwards).
// DISK: ext2 4M 1024
// SYSCALLS: ioctl, lseek, pread64, pwrite64, fsync
#include "lvtest.h"
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define SIZE (4 << 20)

int main(void) {
    const char* disk = getenv("LV_DISK");
    CHECK(disk, "LV_DISK is not set (the runner's DISK directive)");
    int fd = CHECK_OK(open(disk, O_RDWR));
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISBLK(st.st_mode));
    CHECK(lseek(fd, 0, SEEK_END) == SIZE);
    uint64_t bytes = 0;
    CHECK_OK(ioctl(fd, BLKGETSIZE64, &bytes));
    CHECK(bytes == SIZE);
    unsigned long sectors = 0;
    CHECK_OK(ioctl(fd, BLKGETSIZE, &sectors));
    CHECK(sectors == SIZE / 512);
    int ssz = 0;
    CHECK_OK(ioctl(fd, BLKSSZGET, &ssz));
    CHECK(ssz == 512);

    // The last blocks of a new filesystem are free: their contents do not matter to it.
    enum { kOff = SIZE - 7000, kLen = 6000 };
    static unsigned char saved[kLen], pattern[kLen], back[kLen];
    CHECK(pread(fd, saved, kLen, kOff) == kLen);
    for (int i = 0; i < kLen; i++) pattern[i] = (unsigned char)(i * 31 + 7);
    CHECK(pwrite(fd, pattern, kLen, kOff) == kLen);
    CHECK_OK(fsync(fd));
    CHECK_OK(close(fd));

    fd = CHECK_OK(open(disk, O_RDWR));
    CHECK(pread(fd, back, kLen, kOff) == kLen);
    CHECK(memcmp(back, pattern, kLen) == 0);
    // The file position moves with read and write.
    CHECK(lseek(fd, kOff, SEEK_SET) == kOff);
    CHECK(read(fd, back, 100) == 100 && memcmp(back, pattern, 100) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == kOff + 100);
    CHECK(write(fd, pattern + 100, 50) == 50);
    CHECK(lseek(fd, 0, SEEK_CUR) == kOff + 150);
    // The end: reads give 0, writes stop there, then fail with ENOSPC.
    CHECK(pread(fd, back, 10, SIZE) == 0);
    CHECK(pread(fd, back, 100, SIZE - 10) == 10);
    CHECK(pwrite(fd, back, 100, SIZE - 10) == 10);
    CHECK_ERR(pwrite(fd, back, 100, SIZE), ENOSPC);
    CHECK_OK(ioctl(fd, BLKFLSBUF, 0));

    CHECK(pwrite(fd, saved, kLen, kOff) == kLen);
    CHECK_OK(fdatasync(fd));
    CHECK(pread(fd, back, kLen, kOff) == kLen && memcmp(back, saved, kLen) == 0);
    CHECK_OK(close(fd));
    return 0;
}
