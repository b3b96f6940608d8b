// tmpfs has Linux's limits: size= (default half of RAM) and nr_inodes=; writes past
// the size are short, then ENOSPC; creates past nr_inodes are ENOSPC; fallocate of a
// huge range fails without taking memory; unlink gives the space back, and statfs
// reports all of it. (Filling /tmp used to take the machine's memory for good.)
// SYSCALLS: mount, umount2, statfs, fallocate, write
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "lvtest.h"

int main(void) {
    char dir[] = "/tmp/tmpfs_limits.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK_ERR(mount("tmpfs", dir, "tmpfs", 0, "size=abc"), EINVAL);
    CHECK_ERR(mount("tmpfs", dir, "tmpfs", 0, "bogus=1"), EINVAL);
    CHECK(mount("tmpfs", dir, "tmpfs", 0, "size=1M,nr_inodes=10") == 0);
    struct statfs sf;
    CHECK(statfs(dir, &sf) == 0);
    CHECK(sf.f_bsize == 4096 && sf.f_blocks == 256 && sf.f_bfree == 256, "blocks %ld free %ld", (long)sf.f_blocks,
          (long)sf.f_bfree);
    CHECK(sf.f_files == 10, "files %ld", (long)sf.f_files);

    char path[96];
    snprintf(path, sizeof path, "%s/big", dir);
    int fd = open(path, O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    static char buf[64 * 1024];
    memset(buf, 'x', sizeof buf);
    long total = 0;
    for (;;) {
        ssize_t n = write(fd, buf, sizeof buf);
        if (n < 0) {
            CHECK(errno == ENOSPC);
            break;
        }
        total += n;
        CHECK(total <= (1 << 20));
    }
    CHECK(total == (1 << 20), "wrote %ld", total);
    CHECK(statfs(dir, &sf) == 0 && sf.f_bfree == 0);
    // A huge fallocate fails and takes nothing.
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(statfs(dir, &sf) == 0 && sf.f_bfree == 256);
    CHECK_ERR(fallocate(fd, 0, 0, 1ll << 40), ENOSPC);
    CHECK_ERR(fallocate(fd, 0, 0, 2 << 20), ENOSPC);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 0 && st.st_blocks == 0);
    CHECK(statfs(dir, &sf) == 0 && sf.f_bfree == 256);
    CHECK(fallocate(fd, 0, 0, 512 << 10) == 0);
    CHECK(statfs(dir, &sf) == 0 && sf.f_bfree == 128, "free %ld", (long)sf.f_bfree);
    close(fd);
    CHECK(unlink(path) == 0);
    CHECK(statfs(dir, &sf) == 0 && sf.f_bfree == 256);

    // nr_inodes=10: the root holds one, so nine more.
    int made = 0;
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof path, "%s/f%d", dir, i);
        int f = open(path, O_CREAT | O_WRONLY, 0644);
        if (f < 0) {
            CHECK(errno == ENOSPC);
            break;
        }
        close(f);
        made++;
    }
    CHECK(made == 9, "made %d files", made);
    snprintf(path, sizeof path, "%s/d", dir);
    CHECK_ERR(mkdir(path, 0755), ENOSPC);
    snprintf(path, sizeof path, "%s/f0", dir);
    CHECK(unlink(path) == 0);
    snprintf(path, sizeof path, "%s/d", dir);
    CHECK(mkdir(path, 0755) == 0);
    CHECK(umount2(dir, 0) == 0);
    CHECK(rmdir(dir) == 0);
    puts("ok");
    return 0;
}
