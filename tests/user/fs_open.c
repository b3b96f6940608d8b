// open(2)/openat(2) flags and their errno values: O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
// O_DIRECTORY, O_NOFOLLOW, O_PATH, O_TMPFILE, O_CLOEXEC, dirfd rules, limits.
// SYSCALLS: openat, open, creat, close, read, write, fcntl, unlinkat, mkdirat, symlinkat
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    char dir[] = "/tmp/fsopenXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chdir(dir));
    umask(022);

    // Creation, exclusivity, umask.
    int fd = CHECK_OK(open("f", O_WRONLY | O_CREAT | O_EXCL, 0666));
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK((st.st_mode & 07777) == 0644, "mode %o", st.st_mode);
    CHECK(S_ISREG(st.st_mode));
    CHECK_OK(write(fd, "hello", 5));
    CHECK_OK(close(fd));
    CHECK_ERR(open("f", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    CHECK_ERR(open("missing", O_RDONLY), ENOENT);
    CHECK_ERR(open("", O_RDONLY), ENOENT);
    CHECK_ERR(open("missing/x", O_RDONLY | O_CREAT, 0644), ENOENT);
    CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
    CHECK_ERR(open("f/", O_RDONLY), ENOTDIR);
    CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERR(open("new/", O_WRONLY | O_CREAT, 0644), EISDIR);
    CHECK_ERR(open("x", O_RDONLY | O_CREAT | O_DIRECTORY, 0644), EINVAL);

    // Directories cannot be opened for writing.
    CHECK_OK(mkdir("d", 0755));
    CHECK_ERR(open("d", O_WRONLY), EISDIR);
    CHECK_ERR(open("d", O_RDWR), EISDIR);
    CHECK_ERR(open("d", O_RDONLY | O_CREAT, 0644), EISDIR);
    CHECK_ERR(open(".", O_RDONLY | O_CREAT, 0644), EISDIR);
    fd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    char c;
    CHECK_ERR(read(fd, &c, 1), EISDIR);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    CHECK_OK(close(fd));

    // O_TRUNC and O_APPEND.
    fd = CHECK_OK(open("f", O_WRONLY | O_APPEND));
    CHECK_OK(lseek(fd, 0, SEEK_SET));
    CHECK_OK(write(fd, "!", 1));
    CHECK_OK(close(fd));
    char buf[32] = {0};
    fd = CHECK_OK(open("f", O_RDONLY));
    CHECK(read(fd, buf, sizeof buf) == 6 && memcmp(buf, "hello!", 6) == 0, "got %s", buf);
    CHECK_ERR(write(fd, "x", 1), EBADF);
    CHECK_OK(close(fd));
    fd = CHECK_OK(open("f", O_WRONLY | O_TRUNC));
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_size == 0);
    CHECK_ERR(read(fd, buf, 1), EBADF);
    CHECK_OK(close(fd));
    fd = CHECK_OK(creat("f", 0600));
    CHECK_OK(close(fd));

    // Symlinks: O_NOFOLLOW, O_PATH, dangling targets with O_CREAT.
    CHECK_OK(symlink("f", "lf"));
    CHECK_OK(symlink("target", "dangling"));
    CHECK_ERR(open("lf", O_RDONLY | O_NOFOLLOW), ELOOP);
    CHECK_ERR(open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    fd = CHECK_OK(open("dangling", O_WRONLY | O_CREAT, 0644));
    CHECK_OK(close(fd));
    CHECK_OK(access("target", F_OK));
    fd = CHECK_OK(open("lf", O_PATH | O_NOFOLLOW));
    CHECK_OK(fstatat(fd, "", &st, AT_EMPTY_PATH));
    CHECK(S_ISLNK(st.st_mode), "mode %o", st.st_mode);
    CHECK_ERR(read(fd, buf, 1), EBADF);
    CHECK(fcntl(fd, F_GETFL) & O_PATH);
    CHECK_OK(close(fd));

    // O_CLOEXEC shows in F_GETFD.
    fd = CHECK_OK(open("f", O_RDONLY | O_CLOEXEC));
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
    CHECK_OK(close(fd));

    // openat: relative to a directory fd; absolute paths ignore dirfd; a file is ENOTDIR.
    int dfd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    fd = CHECK_OK(openat(dfd, "inner", O_WRONLY | O_CREAT, 0644));
    CHECK_OK(close(fd));
    CHECK_OK(access("d/inner", F_OK));
    fd = CHECK_OK(openat(12345, "/tmp", O_RDONLY));
    CHECK_OK(close(fd));
    int ffd = CHECK_OK(open("f", O_RDONLY));
    CHECK_ERR(openat(ffd, "x", O_RDONLY), ENOTDIR);
    CHECK_ERR(openat(9999, "x", O_RDONLY), EBADF);
    CHECK_OK(close(ffd));

    // O_TMPFILE: an unnamed file that linkat can give a name.
    fd = open("d", O_TMPFILE | O_RDWR, 0600);
    if (fd >= 0) {
        CHECK_OK(write(fd, "tmp", 3));
        CHECK_OK(fstat(fd, &st));
        CHECK(st.st_nlink == 0);
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        CHECK_OK(linkat(AT_FDCWD, path, dfd, "named", AT_SYMLINK_FOLLOW));
        CHECK_OK(fstat(fd, &st));
        CHECK(st.st_nlink == 1);
        CHECK_OK(close(fd));
    }
    CHECK_ERR(open("d", O_TMPFILE | O_RDONLY, 0600), EINVAL);
    CHECK_OK(close(dfd));

    // Names too long.
    char longname[300];
    memset(longname, 'n', 299);
    longname[299] = 0;
    CHECK_ERR(open(longname, O_RDONLY | O_CREAT, 0644), ENAMETOOLONG);
    char* longpath = malloc(PATH_MAX + 2);
    memset(longpath, 'a', PATH_MAX + 1);
    for (int i = 100; i < PATH_MAX; i += 100) longpath[i] = '/';
    longpath[PATH_MAX + 1] = 0;
    CHECK_ERR(open(longpath, O_RDONLY), ENAMETOOLONG);

    // EFAULT for a bad path pointer.
    CHECK_ERR(open((const char*)8, O_RDONLY), EFAULT);

    // EBADF on close.
    CHECK_ERR(close(-1), EBADF);
    CHECK_ERR(close(4000), EBADF);

    // Clean up (the directory must be empty for rmdir).
    unlink("d/inner");
    unlink("d/named");
    CHECK_OK(rmdir("d"));
    CHECK_OK(unlink("f"));
    CHECK_OK(unlink("lf"));
    CHECK_OK(unlink("dangling"));
    CHECK_OK(unlink("target"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
