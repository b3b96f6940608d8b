// The body of ext2_write.c and ext2_write_4k.c (the same checks on 1 KiB and 4 KiB
// blocks); see ext2_write.c.
#pragma once
#include "lvtest.h"
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif

static char mnt[] = "/tmp/ext2wrXXXXXX";
static const char* disk;

static unsigned char pattern(uint64_t i, unsigned seed) { return (unsigned char)((i * 13 + seed + (i >> 10)) % 251); }

static void write_pattern(const char* path, uint64_t offset, size_t len, unsigned seed) {
    static unsigned char buf[65536];
    int fd = CHECK_OK(open(path, O_WRONLY | O_CREAT, 0644));
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof buf ? len - done : sizeof buf;
        for (size_t i = 0; i < n; i++) buf[i] = pattern(offset + done + i, seed);
        CHECK(pwrite(fd, buf, n, (off_t)(offset + done)) == (ssize_t)n);
        done += n;
    }
    CHECK_OK(close(fd));
}

static void check_pattern(const char* path, uint64_t offset, size_t len, unsigned seed) {
    static unsigned char buf[65536];
    int fd = CHECK_OK(open(path, O_RDONLY));
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof buf ? len - done : sizeof buf;
        CHECK(pread(fd, buf, n, (off_t)(offset + done)) == (ssize_t)n, "%s at %llu", path,
              (unsigned long long)(offset + done));
        for (size_t i = 0; i < n; i++)
            CHECK(buf[i] == pattern(offset + done + i, seed), "%s byte %llu", path, (unsigned long long)(offset + done + i));
        done += n;
    }
    CHECK_OK(close(fd));
}

static void check_zero(const char* path, uint64_t offset, size_t len) {
    unsigned char buf[4096];
    int fd = CHECK_OK(open(path, O_RDONLY));
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof buf ? len - done : sizeof buf;
        CHECK(pread(fd, buf, n, (off_t)(offset + done)) == (ssize_t)n);
        for (size_t i = 0; i < n; i++) CHECK(buf[i] == 0, "%s byte %llu", path, (unsigned long long)(offset + done + i));
        done += n;
    }
    CHECK_OK(close(fd));
}

// Free space in KiB (whatever the block size).
static long free_kib(void) {
    struct statfs sf;
    CHECK_OK(statfs(".", &sf));
    return (long)(sf.f_bfree * (sf.f_bsize / 1024));
}

static nlink_t links(const char* path) {
    struct stat st;
    CHECK_OK(lstat(path, &st));
    return st.st_nlink;
}

static void remount(void) {
    CHECK_OK(chdir("/"));
    CHECK_OK(umount2(mnt, 0));
    CHECK_OK(mount(disk, mnt, "ext2", 0, NULL));
    CHECK_OK(chdir(mnt));
}

int main(void) {
    disk = getenv("LV_DISK");
    CHECK(disk, "LV_DISK is not set (the runner's DISK directive)");
    CHECK(mkdtemp(mnt));
    CHECK_OK(mount(disk, mnt, "ext2", 0, NULL));
    CHECK_OK(chdir(mnt));
    long free0 = free_kib();

    // Files of every size class.
    write_pattern("small", 0, 100, 1);
    write_pattern("direct", 0, 12 * 1024, 2);
    write_pattern("indirect", 0, 200 * 1024, 3);
    write_pattern("dindirect", 0, 2 * 1024 * 1024 + 777, 4);
    check_pattern("dindirect", 0, 2 * 1024 * 1024 + 777, 4);
    CHECK(free_kib() < free0 - 2048);
    int fd = CHECK_OK(open("dindirect", O_RDWR));
    CHECK_OK(fsync(fd));
    CHECK_OK(fdatasync(fd));
    CHECK_OK(syscall(SYS_syncfs, fd));
    CHECK_OK(close(fd));

    // A sparse file: holes read as zeros and take no blocks.
    write_pattern("sparse", 5 * 1024 * 1024, 1000, 5);
    struct stat st;
    CHECK_OK(stat("sparse", &st));
    CHECK(st.st_size == 5 * 1024 * 1024 + 1000);
    CHECK(st.st_blocks < 64, "%ld blocks", (long)st.st_blocks);
    check_zero("sparse", 0, 64 * 1024);
    check_zero("sparse", 5 * 1024 * 1024 - 5000, 5000);
    check_pattern("sparse", 5 * 1024 * 1024, 1000, 5);

    // truncate: shrink frees blocks; growing again reads zeros past the old end.
    long before = free_kib();
    CHECK_OK(truncate("indirect", 5000));
    CHECK(free_kib() > before + 150);
    CHECK_OK(truncate("indirect", 300000));
    check_pattern("indirect", 0, 5000, 3);
    check_zero("indirect", 5000, 300000 - 5000);
    CHECK_OK(truncate("direct", 0));
    CHECK_OK(stat("direct", &st));
    CHECK(st.st_size == 0 && st.st_blocks == 0);

    // Directories.
    CHECK_OK(mkdir("a", 0755));
    CHECK_OK(mkdir("a/b", 0700));
    CHECK_OK(mkdir("a/b/c", 0755));
    CHECK(links("a") == 3 && links("a/b") == 3 && links("a/b/c") == 2);
    CHECK_ERR(mkdir("a", 0755), EEXIST);
    CHECK_ERR(rmdir("a"), ENOTEMPTY);
    CHECK_ERR(unlink("a"), EISDIR);
    CHECK_ERR(rmdir("small"), ENOTDIR);
    CHECK_ERR(mkdir("small/x", 0755), ENOTDIR);
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(rename("a/b", "d/b2")); // a directory moves to another parent
    CHECK(links("a") == 2 && links("d") == 3);
    struct stat d_st, dotdot;
    CHECK_OK(stat("d", &d_st));
    CHECK_OK(stat("d/b2/..", &dotdot));
    CHECK(d_st.st_ino == dotdot.st_ino);
    CHECK_OK(stat("d/b2/c/../..", &dotdot));
    CHECK(d_st.st_ino == dotdot.st_ino);

    // rename over files and directories.
    write_pattern("r1", 0, 3000, 6);
    write_pattern("r2", 0, 100, 7);
    CHECK_ERR(syscall(SYS_renameat2, AT_FDCWD, "r1", AT_FDCWD, "r2", RENAME_NOREPLACE), EEXIST);
    CHECK_OK(rename("r1", "r2"));
    CHECK_ERR(access("r1", F_OK), ENOENT);
    check_pattern("r2", 0, 3000, 6);
    CHECK_OK(mkdir("e1", 0755));
    CHECK_OK(mkdir("e2", 0755));
    CHECK_OK(mkdir("e2/full", 0755));
    CHECK_ERR(rename("e1", "e2"), ENOTEMPTY);
    CHECK_ERR(rename("e1", "r2"), ENOTDIR);
    CHECK_ERR(rename("r2", "e1"), EISDIR);
    CHECK_OK(rename("e1", "e2/full"));
    CHECK(links("e2") == 3);
    CHECK_OK(syscall(SYS_renameat2, AT_FDCWD, "r2", AT_FDCWD, "e2", RENAME_EXCHANGE));
    CHECK_OK(stat("r2", &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_OK(stat("e2", &st));
    CHECK(S_ISREG(st.st_mode) && st.st_size == 3000);
    CHECK_OK(stat("r2/full/..", &dotdot));
    CHECK_OK(stat("r2", &st));
    CHECK(st.st_ino == dotdot.st_ino);

    // Hard links, symlinks (in the inode and in a block), a FIFO.
    CHECK_OK(link("small", "small.link"));
    CHECK(links("small") == 2);
    CHECK_ERR(link("small", "small.link"), EEXIST);
    CHECK_ERR(link("a", "a.link"), EPERM);
    CHECK_OK(symlink("small", "fast"));
    char target[300];
    memset(target, 'y', 200);
    memcpy(target, "d/", 2);
    target[200] = 0;
    CHECK_OK(symlink(target, "slow"));
    char buf[300];
    CHECK(readlink("fast", buf, sizeof buf) == 5 && memcmp(buf, "small", 5) == 0);
    CHECK(readlink("slow", buf, sizeof buf) == 200 && memcmp(buf, target, 200) == 0);
    CHECK_OK(mkfifo("fifo", 0600));
    CHECK_OK(lstat("fifo", &st));
    CHECK(S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0600);

    // Many entries: the directory grows over several blocks; removing some keeps the rest.
    CHECK_OK(mkdir("many", 0755));
    char name[64];
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "many/a-rather-long-file-name-number-%d", i);
        int f = CHECK_OK(open(name, O_WRONLY | O_CREAT | O_EXCL, 0644));
        CHECK(write(f, name, strlen(name)) == (ssize_t)strlen(name));
        CHECK_OK(close(f));
    }
    CHECK_OK(stat("many", &st));
    CHECK(st.st_size > 10 * 1024, "%ld", (long)st.st_size);
    for (int i = 0; i < 300; i += 2) {
        snprintf(name, sizeof name, "many/a-rather-long-file-name-number-%d", i);
        CHECK_OK(unlink(name));
    }

    // Unlinked while open: readable until closed, then its blocks come back.
    write_pattern("ghost", 0, 100000, 8);
    before = free_kib();
    fd = CHECK_OK(open("ghost", O_RDONLY));
    CHECK_OK(unlink("ghost"));
    CHECK(free_kib() == before);
    CHECK(pread(fd, buf, 100, 50000) == 100 && (unsigned char)buf[0] == pattern(50000, 8));
    CHECK_ERR(umount2(mnt, 0), EBUSY);
    CHECK_OK(close(fd));
    CHECK(free_kib() > before + 90);

    // Metadata the VFS changes.
    CHECK_OK(chmod("small", 0604));
    struct timespec times[2] = {{1000000000, 123456789}, {1100000000, 987654321}};
    CHECK_OK(utimensat(AT_FDCWD, "small", times, 0));

    // Everything is still there after a fresh mount.
    remount();
    CHECK_OK(stat("small", &st)); // before reading it changes atime
    CHECK((st.st_mode & 07777) == 0604 && st.st_nlink == 2, "%o", st.st_mode);
    CHECK(st.st_atime == 1000000000 && st.st_mtime == 1100000000);
    check_pattern("small", 0, 100, 1);
    check_pattern("dindirect", 0, 2 * 1024 * 1024 + 777, 4);
    check_pattern("sparse", 5 * 1024 * 1024, 1000, 5);
    check_zero("indirect", 5000, 300000 - 5000);
    CHECK(readlink("slow", buf, sizeof buf) == 200 && memcmp(buf, target, 200) == 0);
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "many/a-rather-long-file-name-number-%d", i);
        if (i % 2) check_zero(name, 0, 0), CHECK_OK(access(name, F_OK));
        else CHECK_ERR(access(name, F_OK), ENOENT);
    }
    CHECK_OK(stat("d/b2/c", &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_ERR(access("ghost", F_OK), ENOENT);

    // Taking most of it down again.
    CHECK_OK(unlink("dindirect"));
    CHECK_OK(unlink("sparse"));
    CHECK_OK(rmdir("d/b2/c"));
    CHECK_OK(rmdir("d/b2"));
    CHECK(links("d") == 2);
    CHECK_OK(chdir("/"));
    CHECK_OK(umount2(mnt, 0));
    CHECK_OK(rmdir(mnt));
    return 0;
}
