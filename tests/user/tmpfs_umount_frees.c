// A tmpfs gives its memory back when it is unmounted: its files go with its last mount,
// except those still open, which stay readable after a lazy unmount (MNT_DETACH) and are
// freed when closed. (The fuzzer found every unmounted tmpfs kept for good: a worker
// that filled one and unmounted it took half of RAM away.) Measured with
// /proc/meminfo's Shmem (the memory tmpfs files hold), which other programs running at
// the same time do not move as they move MemAvailable; on the host the builds of this
// test for each arch and libc run at once and would see each other's tmpfs, so each
// holds an exclusive flock on a file in /tmp while it measures. Needs root (skipped
// otherwise).
// SYSCALLS: mount, umount2, fallocate
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILL (64L << 20)
#define ENOUGH (FILL / 1024 * 3 / 4) // kB: most of it, whatever else the system holds

static long shmem_kb(void) {
    char buf[8192];
    int fd = CHECK_OK(open("/proc/meminfo", O_RDONLY));
    ssize_t n = CHECK_OK(read(fd, buf, sizeof buf - 1));
    close(fd);
    buf[n] = 0;
    char* p = strstr(buf, "\nShmem:");
    CHECK(p, "no Shmem in /proc/meminfo");
    return strtol(p + 7, NULL, 10);
}

// How far Shmem fell below `base`, waiting up to 2 s for it to pass `want`.
static long freed_since(long base, long want) {
    long got = 0;
    for (int i = 0; i < 20 && (got = base - shmem_kb()) <= want; i++) usleep(100000);
    return got;
}

// Mounts a tmpfs on `dir`, fills a file with FILL bytes in a tree of directories and
// returns it open.
static int fill(const char* dir) {
    CHECK_OK(mount("none", dir, "tmpfs", 0, "size=128m"));
    char path[256];
    snprintf(path, sizeof path, "%s/a", dir);
    CHECK_OK(mkdir(path, 0755));
    snprintf(path, sizeof path, "%s/a/b", dir);
    CHECK_OK(mkdir(path, 0755));
    snprintf(path, sizeof path, "%s/a/b/small", dir);
    CHECK_OK(close(CHECK_OK(open(path, O_WRONLY | O_CREAT, 0644))));
    snprintf(path, sizeof path, "%s/a/b/big", dir);
    int fd = CHECK_OK(open(path, O_RDWR | O_CREAT, 0644));
    CHECK_OK(fallocate(fd, 0, 0, FILL));
    CHECK_OK(pwrite(fd, "tail", 4, FILL - 4));
    return fd;
}

int main(void) {
    if (getuid() != 0) return 0;
    int lock = CHECK_OK(open("/tmp/lv-tmpfs-umount-frees.lock", O_RDWR | O_CREAT, 0600));
    CHECK_OK(flock(lock, LOCK_EX));
    char dir[] = "/tmp/tmpfsumXXXXXX";
    CHECK(mkdtemp(dir));
    for (int lazy = 0; lazy < 2; lazy++) {
        long base = shmem_kb();
        int fd = fill(dir);
        long full = shmem_kb();
        CHECK(full - base > ENOUGH, "filling the tmpfs took %ld kB of Shmem, not %ld", full - base, FILL / 1024);
        if (!lazy) CHECK_OK(close(fd));
        CHECK_OK(umount2(dir, lazy ? MNT_DETACH : 0));
        if (lazy) {
            // The open file lives on, whole, until it is closed.
            struct stat st;
            char path[256];
            snprintf(path, sizeof path, "%s/a", dir);
            CHECK_ERR(access(path, F_OK), ENOENT); // the mountpoint shows what it covered
            char buf[4];
            CHECK(pread(fd, buf, 4, FILL - 4) == 4 && memcmp(buf, "tail", 4) == 0, "the open file lost its data");
            CHECK_OK(fstat(fd, &st));
            CHECK(st.st_size == FILL, "size %lld", (long long)st.st_size);
            CHECK_OK(close(fd));
        }
        long freed = freed_since(full, ENOUGH);
        CHECK(freed > ENOUGH, "%s gave back %ld kB of %ld", lazy ? "close after MNT_DETACH" : "umount", freed,
              FILL / 1024);
    }
    CHECK_OK(rmdir(dir));
    return 0;
}
