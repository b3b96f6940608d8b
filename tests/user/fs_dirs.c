// Directories and names: mkdir/rmdir/unlink/rename/link errno rules, link counts,
// getdents64 (also while deleting), getcwd/chdir/fchdir, mknod FIFOs.
// SYSCALLS: mkdirat, unlinkat, renameat2, linkat, getdents64, getcwd, chdir, fchdir, mknodat, newfstatat
#define _GNU_SOURCE
#include "lvtest.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// musl has no renameat2 wrapper: call it directly.
#define RENAME_NOREPLACE_ 1
#define RENAME_EXCHANGE_ 2
static int rename2(const char* a, const char* b, unsigned flags) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

static void touch(const char* p) {
    int fd = CHECK_OK(open(p, O_WRONLY | O_CREAT, 0644));
    close(fd);
}

static nlink_t links(const char* p) {
    struct stat st;
    CHECK_OK(lstat(p, &st));
    return st.st_nlink;
}

static int count_entries(const char* p) {
    int fd = CHECK_OK(open(p, O_RDONLY | O_DIRECTORY));
    char buf[512];
    int n = 0;
    for (;;) {
        long got = syscall(SYS_getdents64, fd, buf, sizeof buf);
        CHECK(got >= 0);
        if (got == 0) break;
        for (long off = 0; off < got;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, 2);
            n++;
            off += reclen;
        }
    }
    close(fd);
    return n;
}

int main(void) {
    char dir[] = "/tmp/fsdirXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chdir(dir));

    // mkdir / rmdir.
    CHECK_OK(mkdir("a", 0755));
    CHECK_ERR(mkdir("a", 0755), EEXIST);
    CHECK_ERR(mkdir("a/.", 0755), EEXIST);
    CHECK_ERR(mkdir("missing/x", 0755), ENOENT);
    CHECK_OK(mkdir("b/", 0755)); // a trailing slash is fine for mkdir
    CHECK(links("a") == 2);
    CHECK_OK(mkdir("a/sub", 0755));
    CHECK(links("a") == 3);
    touch("a/file");
    CHECK(links("a") == 3);
    CHECK_ERR(rmdir("a"), ENOTEMPTY);
    CHECK_ERR(rmdir("a/file"), ENOTDIR);
    CHECK_ERR(rmdir("a/."), EINVAL);
    CHECK_ERR(rmdir("a/.."), ENOTEMPTY);
    CHECK_ERR(rmdir("nope"), ENOENT);
    CHECK_ERR(unlink("a"), EISDIR);
    CHECK_ERR(unlink("a/file/"), ENOTDIR);
    CHECK_ERR(unlinkat(AT_FDCWD, "a/file", 0x1), EINVAL);
    CHECK_OK(unlinkat(AT_FDCWD, "a/sub", AT_REMOVEDIR));
    CHECK(links("a") == 2);

    // Hard links.
    CHECK_OK(link("a/file", "hard"));
    CHECK(links("a/file") == 2);
    CHECK_ERR(link("a/file", "hard"), EEXIST);
    CHECK_ERR(link("a", "dirlink"), EPERM);
    CHECK_ERR(link("nope", "x"), ENOENT);
    CHECK_OK(unlink("hard"));
    CHECK(links("a/file") == 1);

    // rename.
    touch("f1");
    touch("f2");
    CHECK_OK(mkdir("empty", 0755));
    CHECK_OK(rename("f1", "f2"));
    CHECK_ERR(access("f1", F_OK), ENOENT);
    CHECK_ERR(rename("f2", "empty"), EISDIR);
    CHECK_ERR(rename("a", "f2"), ENOTDIR);
    CHECK_ERR(rename("a", "a/inside"), EINVAL);
    CHECK_ERR(rename("nope", "x"), ENOENT);
    CHECK_ERR(rename("f2/", "x"), ENOTDIR);
    touch("full_marker");
    CHECK_OK(mkdir("full", 0755));
    CHECK_OK(rename("full_marker", "full/m"));
    CHECK_ERR(rename("a", "full"), ENOTEMPTY);
    CHECK_OK(rename("a", "empty")); // onto an empty directory
    CHECK_OK(access("empty/file", F_OK));
    CHECK_ERR(rename2("f2", "empty/file", RENAME_NOREPLACE_), EEXIST);
    CHECK_ERR(rename2("f2", "f2", RENAME_NOREPLACE_), EEXIST); // onto itself: still an existing target
    CHECK_OK(rename2("f2", "full", RENAME_EXCHANGE_));
    struct stat st;
    CHECK_OK(stat("f2", &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_OK(access("f2/m", F_OK));
    CHECK_OK(stat("full", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_ERR(rename2("full", "zz", RENAME_EXCHANGE_), ENOENT);
    CHECK_ERR(rename2("full", "zz", RENAME_EXCHANGE_ | RENAME_NOREPLACE_), EINVAL);

    // getdents64 sees ".", ".." and the entries, and nothing twice while deleting.
    CHECK_OK(mkdir("many", 0755));
    char name[64];
    for (int i = 0; i < 200; i++) {
        snprintf(name, sizeof name, "many/entry-with-a-long-name-%03d", i);
        touch(name);
    }
    CHECK(count_entries("many") == 202, "%d", count_entries("many"));
    int dfd = CHECK_OK(open("many", O_RDONLY | O_DIRECTORY));
    char buf[600];
    int removed = 0;
    for (;;) {
        long got = syscall(SYS_getdents64, dfd, buf, sizeof buf);
        CHECK(got >= 0);
        if (got == 0) break;
        for (long off = 0; off < got;) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, 2);
            const char* n = buf + off + 19;
            if (strcmp(n, ".") && strcmp(n, "..")) {
                CHECK_OK(unlinkat(dfd, n, 0));
                removed++;
            }
            off += reclen;
        }
    }
    CHECK(removed == 200, "%d", removed);
    CHECK(syscall(SYS_getdents64, dfd, buf, 8) == 0); // at the end, even a tiny buffer gets 0
    CHECK_OK(lseek(dfd, 0, SEEK_SET));
    CHECK_ERR(syscall(SYS_getdents64, dfd, buf, 8), EINVAL); // too small for any entry
    CHECK(syscall(SYS_getdents64, dfd, buf, sizeof buf) > 0);
    CHECK_OK(close(dfd));
    int ffd = CHECK_OK(open("full", O_RDONLY));
    CHECK_ERR(syscall(SYS_getdents64, ffd, buf, sizeof buf), ENOTDIR);
    CHECK_OK(close(ffd));
    CHECK_ERR(syscall(SYS_getdents64, 9999, buf, sizeof buf), EBADF);
    CHECK_OK(rmdir("many"));

    // getcwd / chdir / fchdir.
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof cwd));
    CHECK(strcmp(cwd, dir) == 0, "%s vs %s", cwd, dir);
    CHECK_ERR(syscall(SYS_getcwd, cwd, 2), ERANGE);
    CHECK(syscall(SYS_getcwd, cwd, sizeof cwd) == (long)strlen(dir) + 1);
    CHECK_OK(chdir("empty"));
    CHECK(getcwd(cwd, sizeof cwd) && strstr(cwd, "/empty"));
    CHECK_OK(chdir(".."));
    CHECK_ERR(chdir("full"), ENOTDIR);
    CHECK_ERR(chdir("nope"), ENOENT);
    dfd = CHECK_OK(open("empty", O_RDONLY | O_DIRECTORY));
    CHECK_OK(chdir("/"));
    CHECK_OK(fchdir(dfd));
    CHECK_OK(access("file", F_OK));
    CHECK_OK(close(dfd));
    ffd = CHECK_OK(open("file", O_RDONLY));
    CHECK_ERR(fchdir(ffd), ENOTDIR);
    CHECK_OK(close(ffd));
    // A removed working directory: getcwd fails with ENOENT.
    CHECK_OK(mkdir("gone", 0755));
    CHECK_OK(chdir("gone"));
    CHECK_OK(rmdir("../gone"));
    CHECK_ERR(syscall(SYS_getcwd, cwd, sizeof cwd), ENOENT);
    CHECK_ERR(open("new", O_WRONLY | O_CREAT, 0644), ENOENT);
    CHECK_OK(chdir(dir));

    // FIFOs and regular files through mknod.
    CHECK_OK(mknod("fifo", S_IFIFO | 0644, 0));
    CHECK_OK(stat("fifo", &st));
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_OK(mknod("reg", 0644, 0));
    CHECK_OK(stat("reg", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_ERR(mknod("fifo", S_IFIFO | 0644, 0), EEXIST);

    // Clean up.
    CHECK_OK(unlink("fifo"));
    CHECK_OK(unlink("reg"));
    CHECK_OK(unlink("empty/file"));
    CHECK_OK(rmdir("empty"));
    CHECK_OK(unlink("f2/m"));
    CHECK_OK(rmdir("f2"));
    CHECK_OK(unlink("full"));
    CHECK_OK(rmdir("b"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
