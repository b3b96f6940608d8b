// stat/fstat/lstat/statx/newfstatat, statfs, chmod/fchmod/umask, chown, access,
// utimensat timestamps.
// SYSCALLS: newfstatat, fstat, statx, statfs, fstatfs, fchmod, fchmodat, umask, fchownat, fchown, faccessat, faccessat2, utimensat
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

// struct statx (linux/stat.h), spelled out: musl of this vintage has no statx().
struct lv_statx_ts {
    long long tv_sec;
    unsigned tv_nsec;
    int reserved;
};
struct lv_statx {
    unsigned mask, blksize;
    unsigned long long attributes;
    unsigned nlink, uid, gid;
    unsigned short mode, spare0;
    unsigned long long ino, size, blocks, attributes_mask;
    struct lv_statx_ts atime, btime, ctime, mtime;
    unsigned rdev_major, rdev_minor, dev_major, dev_minor;
    unsigned long long spare[14];
};
#define LV_STATX_BASIC 0x7ffu
static int lv_statx(int dfd, const char* p, int flags, unsigned mask, struct lv_statx* s) {
    return (int)syscall(SYS_statx, dfd, p, flags, mask, s);
}

int main(void) {
    char dir[] = "/tmp/fsstXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chdir(dir));

    mode_t old = umask(027);
    CHECK(umask(027) == 027);
    int fd = CHECK_OK(open("f", O_RDWR | O_CREAT, 0777));
    struct stat st, st2;
    CHECK_OK(fstat(fd, &st));
    CHECK((st.st_mode & 07777) == 0750, "%o", st.st_mode);
    CHECK(st.st_nlink == 1 && st.st_size == 0 && st.st_uid == getuid());
    CHECK_OK(mkdir("d", 0777));
    CHECK_OK(stat("d", &st2));
    CHECK((st2.st_mode & 07777) == 0750 && S_ISDIR(st2.st_mode) && st2.st_nlink == 2);
    CHECK(st.st_dev == st2.st_dev && st.st_ino != st2.st_ino);
    umask(old);

    // Sizes and blocks follow writes.
    CHECK(write(fd, "0123456789", 10) == 10);
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_size == 10 && st.st_blocks > 0 && st.st_blksize > 0);

    // statx agrees with stat.
    struct lv_statx sx;
    CHECK_OK(lv_statx(AT_FDCWD, "f", 0, LV_STATX_BASIC, &sx));
    CHECK((sx.mask & LV_STATX_BASIC) == LV_STATX_BASIC);
    CHECK(sx.size == 10 && sx.ino == st.st_ino && sx.mode == st.st_mode);
    CHECK(sx.mtime.tv_sec == st.st_mtim.tv_sec);
    CHECK_OK(lv_statx(fd, "", AT_EMPTY_PATH, LV_STATX_BASIC, &sx));
    CHECK(sx.ino == st.st_ino);
    CHECK_ERR(lv_statx(AT_FDCWD, "f", 0, 0x80000000u, &sx), EINVAL);
    CHECK_ERR(lv_statx(AT_FDCWD, "", 0, LV_STATX_BASIC, &sx), ENOENT);
    CHECK_ERR(fstatat(fd, "", &st2, 0), ENOENT);
    CHECK_OK(fstatat(fd, "", &st2, AT_EMPTY_PATH));
    CHECK(st2.st_ino == st.st_ino);
    CHECK_ERR(stat("f/x", &st2), ENOTDIR);
    CHECK_ERR(fstat(-1, &st2), EBADF);
    CHECK_ERR(syscall(SYS_newfstatat, AT_FDCWD, "f", (void*)8, 0), EFAULT); // musl would copy itself

    // chmod keeps the type bits; setuid bits survive chmod, not chown.
    CHECK_OK(fchmod(fd, 04755));
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_mode == (S_IFREG | 04755), "%o", st.st_mode);
    CHECK_OK(chmod("f", 0600));
    CHECK_OK(stat("f", &st));
    CHECK((st.st_mode & 07777) == 0600);
    CHECK_OK(fchmodat(AT_FDCWD, "d", 01777, 0));
    CHECK_OK(stat("d", &st));
    CHECK((st.st_mode & 07777) == 01777);
    CHECK_ERR(chmod("nope", 0600), ENOENT);
    CHECK_OK(fchmod(fd, 04755));
    CHECK_OK(fchown(fd, 0, 0));
    CHECK_OK(fstat(fd, &st));
    CHECK(!(st.st_mode & S_ISUID), "%o", st.st_mode);
    CHECK_OK(fchownat(AT_FDCWD, "f", (uid_t)-1, (gid_t)-1, 0));
    CHECK_OK(lchown("f", 0, 0));

    // access: root may read and write anything; execute needs an x bit.
    CHECK_OK(access("f", R_OK | W_OK));
    CHECK_OK(fchmod(fd, 0644));
    if (getuid() == 0) CHECK_ERR(access("f", X_OK), EACCES);
    CHECK_OK(access("d", X_OK));
    CHECK_ERR(access("f", 8), EINVAL);
    CHECK_ERR(access("nope", F_OK), ENOENT);
    CHECK_OK(faccessat(AT_FDCWD, "f", R_OK, AT_EACCESS));

    // utimensat: explicit times, UTIME_OMIT, UTIME_NOW, NULL.
    struct timespec ts[2] = {{1000000, 5}, {2000000, 7}};
    CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
    CHECK_OK(stat("f", &st));
    CHECK(st.st_atim.tv_sec == 1000000 && st.st_atim.tv_nsec == 5);
    CHECK(st.st_mtim.tv_sec == 2000000 && st.st_mtim.tv_nsec == 7);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {3000000, 0}};
    CHECK_OK(utimensat(AT_FDCWD, "f", omit, 0));
    CHECK_OK(stat("f", &st));
    CHECK(st.st_atim.tv_sec == 1000000 && st.st_mtim.tv_sec == 3000000);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    CHECK_ERR(utimensat(AT_FDCWD, "f", bad, 0), EINVAL);
    CHECK_ERR(utimensat(AT_FDCWD, "f", ts, 0x1), EINVAL);
    time_t now = time(NULL);
    CHECK_OK(futimens(fd, NULL));
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_mtim.tv_sec >= now - 5 && st.st_mtim.tv_sec <= now + 5);
    // A write moves mtime forward.
    CHECK_OK(utimensat(AT_FDCWD, "f", ts, 0));
    CHECK(write(fd, "x", 1) == 1);
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_mtim.tv_sec > 2000000);
    struct timeval tv[2] = {{4000000, 3}, {5000000, 999999}};
    CHECK_OK(utimes("f", tv));
    CHECK_OK(stat("f", &st));
    CHECK(st.st_atim.tv_sec == 4000000 && st.st_atim.tv_nsec == 3000);
    CHECK(st.st_mtim.tv_sec == 5000000 && st.st_mtim.tv_nsec == 999999000);
    CHECK_OK(utimes("f", NULL));
    CHECK_OK(stat("f", &st));
    CHECK(st.st_mtim.tv_sec >= now - 5);
    CHECK_OK(symlink("f", "l"));
    CHECK_OK(utimensat(AT_FDCWD, "l", ts, AT_SYMLINK_NOFOLLOW));
    CHECK_OK(lstat("l", &st));
    CHECK(st.st_mtim.tv_sec == 2000000);

    // statfs on a file and a descriptor.
    struct statfs sf, sf2;
    CHECK_OK(statfs("f", &sf));
    CHECK_OK(fstatfs(fd, &sf2));
    CHECK(sf.f_type == sf2.f_type && sf.f_bsize > 0 && sf.f_namelen == 255);
    CHECK_ERR(statfs("nope", &sf), ENOENT);

    CHECK_OK(close(fd));
    CHECK_OK(unlink("l"));
    CHECK_OK(unlink("f"));
    CHECK_OK(rmdir("d"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
