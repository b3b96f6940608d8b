// Reading an ext2 filesystem made by mke2fs -d: file contents through direct and
// indirect blocks, fast and slow symlinks, hard links, modes, directory entries with
// their d_type, statfs, st_dev of the mount, a read-only mount (EROFS), the raw block
// device (superblock magic, BLKGETSIZE64), umount with EBUSY and EINVAL.
// DISK: ext2 8M 1024 populated
// SYSCALLS: mount, umount2, statfs, fstatfs, getdents64, readlink, ioctl
#include "lvtest.h"
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char mnt[] = "/tmp/ext2rdXXXXXX";

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void read_all(const char* path, char* buf, size_t cap, size_t* len) {
    int fd = CHECK_OK(open(path, O_RDONLY));
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - n);
        CHECK(r >= 0);
        if (r == 0) break;
        n += (size_t)r;
    }
    CHECK_OK(close(fd));
    *len = n;
}

// d_type of `name` in the directory at fd (-1 if absent).
static int dtype_of(const char* dir, const char* name) {
    int fd = CHECK_OK(open(dir, O_RDONLY | O_DIRECTORY));
    char buf[4096];
    int found = -1;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        CHECK(n >= 0);
        if (n == 0) break;
        for (long off = 0; off < n;) {
            struct linux_dirent64* d = (struct linux_dirent64*)(buf + off);
            if (strcmp(d->d_name, name) == 0) found = d->d_type;
            off += d->d_reclen;
        }
    }
    CHECK_OK(close(fd));
    return found;
}

int main(void) {
    const char* disk = getenv("LV_DISK");
    CHECK(disk, "LV_DISK is not set (the runner's DISK directive)");
    CHECK(mkdtemp(mnt));

    // The raw device: the superblock's magic at byte 1080, the size by ioctl.
    int dfd = CHECK_OK(open(disk, O_RDONLY));
    unsigned char magic[2];
    CHECK(pread(dfd, magic, 2, 1080) == 2);
    CHECK(magic[0] == 0x53 && magic[1] == 0xef, "%02x %02x", magic[0], magic[1]);
    uint64_t bytes = 0;
    CHECK_OK(ioctl(dfd, BLKGETSIZE64, &bytes));
    CHECK(bytes == 8 << 20, "%llu", (unsigned long long)bytes);
    CHECK_OK(close(dfd));
    struct stat dev;
    CHECK_OK(stat(disk, &dev));
    CHECK(S_ISBLK(dev.st_mode));

    CHECK_ERR(mount(disk, mnt, "nosuchfs", MS_RDONLY, NULL), ENODEV);
    CHECK_ERR(mount("/tmp", mnt, "ext2", MS_RDONLY, NULL), ENOTBLK);
    CHECK_OK(mount(disk, mnt, "ext2", MS_RDONLY, NULL));
    CHECK_OK(chdir(mnt));
    struct stat st;
    CHECK_OK(stat(".", &st));
    CHECK(st.st_dev == dev.st_rdev, "st_dev %lx, device %lx", (long)st.st_dev, (long)dev.st_rdev);
    CHECK(st.st_ino == 2);

    char buf[400000];
    size_t len;
    read_all("hello.txt", buf, sizeof buf, &len);
    CHECK(len == 18 && memcmp(buf, "hello from mke2fs\n", 18) == 0);
    read_all("dir/nested.txt", buf, sizeof buf, &len);
    CHECK(len == 7 && memcmp(buf, "nested\n", 7) == 0);
    read_all("big.bin", buf, sizeof buf, &len);
    CHECK(len == 300000, "%zu", len);
    for (size_t i = 0; i < len; i++) CHECK((unsigned char)buf[i] == (i * 7 + 3) % 251, "byte %zu", i);
    // A read in the middle, crossing blocks.
    int fd = CHECK_OK(open("big.bin", O_RDONLY));
    CHECK(pread(fd, buf, 5000, 270000) == 5000);
    for (size_t i = 0; i < 5000; i++) CHECK((unsigned char)buf[i] == ((i + 270000) * 7 + 3) % 251);
    CHECK(pread(fd, buf, 100, 300000) == 0);
    CHECK_OK(close(fd));

    CHECK_OK(stat("big.bin", &st));
    CHECK(st.st_size == 300000 && st.st_blocks >= 300000 / 512, "%ld blocks", (long)st.st_blocks);
    CHECK(st.st_blksize == 1024, "%ld", (long)st.st_blksize);
    CHECK_OK(stat("dir/nested.txt", &st));
    CHECK((st.st_mode & 07777) == 0640, "%o", st.st_mode);
    struct stat a, b;
    CHECK_OK(stat("hello.txt", &a));
    CHECK_OK(stat("dir/hardlink", &b));
    CHECK(a.st_ino == b.st_ino && a.st_nlink == 2 && b.st_nlink == 2);

    CHECK(readlink("link", buf, sizeof buf) == 9 && memcmp(buf, "hello.txt", 9) == 0);
    ssize_t n = readlink("longlink", buf, sizeof buf);
    CHECK(n == 84 && memcmp(buf, "dir/xxxx", 8) == 0, "%zd", n);
    CHECK_OK(lstat("longlink", &st));
    CHECK(S_ISLNK(st.st_mode) && st.st_size == 84);
    read_all("link", buf, sizeof buf, &len); // followed
    CHECK(len == 18);

    CHECK(dtype_of(".", "hello.txt") == DT_REG);
    CHECK(dtype_of(".", "dir") == DT_DIR);
    CHECK(dtype_of(".", "link") == DT_LNK);
    CHECK(dtype_of(".", "lost+found") == DT_DIR);
    CHECK(dtype_of(".", "..") == DT_DIR);
    CHECK(dtype_of("dir", "sub") == DT_DIR);
    CHECK(dtype_of(".", "missing") == -1);
    CHECK_OK(stat("dir", &st));
    CHECK(st.st_nlink == 3, "%ld", (long)st.st_nlink); // ".", its entry, sub's ".."

    struct statfs sf;
    CHECK_OK(statfs(".", &sf));
    CHECK(sf.f_type == 0xef53, "%lx", (long)sf.f_type);
    CHECK(sf.f_bsize == 1024);
    CHECK(sf.f_blocks > 7000 && sf.f_blocks < 8192, "%ld", (long)sf.f_blocks);
    CHECK(sf.f_bfree < sf.f_blocks && sf.f_bavail <= sf.f_bfree);
    CHECK(sf.f_files == 2048 && sf.f_ffree < sf.f_files, "%ld %ld", (long)sf.f_files, (long)sf.f_ffree);
    CHECK(sf.f_namelen == 255);
    CHECK(sf.f_flags & 1); // ST_RDONLY

    // Read-only: nothing changes.
    CHECK_ERR(open("new", O_WRONLY | O_CREAT, 0644), EROFS);
    CHECK_ERR(mkdir("newdir", 0755), EROFS);
    CHECK_ERR(unlink("hello.txt"), EROFS);

    // Busy while a file is open or it is the working directory.
    fd = CHECK_OK(open("hello.txt", O_RDONLY));
    CHECK_OK(chdir("/"));
    CHECK_ERR(umount2(mnt, 0), EBUSY);
    CHECK_OK(close(fd));
    CHECK_OK(umount2(mnt, 0));
    CHECK_ERR(umount2(mnt, 0), EINVAL);
    CHECK_ERR(stat(strcat(strcpy(buf, mnt), "/hello.txt"), &st), ENOENT);
    CHECK_OK(rmdir(mnt));
    return 0;
}
