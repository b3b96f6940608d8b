// Symbolic links: resolution, readlink, lstat vs stat, ELOOP, trailing slashes,
// AT_SYMLINK_NOFOLLOW / AT_SYMLINK_FOLLOW.
// SYSCALLS: symlinkat, readlinkat, newfstatat, linkat, openat
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    char dir[] = "/tmp/fslnkXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chdir(dir));
    CHECK_OK(mkdir("d", 0755));
    int fd = CHECK_OK(open("d/file", O_WRONLY | O_CREAT, 0644));
    CHECK_OK(write(fd, "data", 4));
    CHECK_OK(close(fd));

    CHECK_OK(symlink("d/file", "rel"));
    char abs[PATH_MAX];
    snprintf(abs, sizeof abs, "%s/d", dir);
    CHECK_OK(symlink(abs, "absdir"));
    CHECK_OK(symlink("nowhere", "dangling"));
    CHECK_ERR(symlink("x", "rel"), EEXIST);
    CHECK_ERR(symlink("", "empty"), ENOENT);

    char buf[PATH_MAX];
    CHECK(readlink("rel", buf, sizeof buf) == 6 && memcmp(buf, "d/file", 6) == 0);
    CHECK(readlink("rel", buf, 3) == 3 && memcmp(buf, "d/f", 3) == 0); // truncated, no NUL
    CHECK_ERR(readlink("d/file", buf, sizeof buf), EINVAL);
    CHECK_ERR(readlink("nope", buf, sizeof buf), ENOENT);
    CHECK_ERR(syscall(SYS_readlinkat, AT_FDCWD, "rel", buf, 0), EINVAL); // libcs special-case 0

    struct stat st, lst;
    CHECK_OK(stat("rel", &st));
    CHECK_OK(lstat("rel", &lst));
    CHECK(S_ISREG(st.st_mode) && S_ISLNK(lst.st_mode));
    CHECK(lst.st_size == 6);
    CHECK_OK(stat("absdir/file", &st));
    CHECK_OK(stat("absdir/../rel", &st)); // ".." is the target's parent
    CHECK_OK(lstat("absdir/", &lst));     // a trailing slash follows the link
    CHECK(S_ISDIR(lst.st_mode));
    CHECK_ERR(stat("dangling", &st), ENOENT);
    CHECK_OK(lstat("dangling", &lst));
    CHECK_ERR(stat("rel/", &st), ENOTDIR);
    CHECK_OK(fstatat(AT_FDCWD, "rel", &lst, AT_SYMLINK_NOFOLLOW));
    CHECK(S_ISLNK(lst.st_mode));
    CHECK_ERR(fstatat(AT_FDCWD, "rel", &lst, 0x4000000), EINVAL);

    // Loops.
    CHECK_OK(symlink("loop2", "loop1"));
    CHECK_OK(symlink("loop1", "loop2"));
    CHECK_ERR(stat("loop1", &st), ELOOP);
    CHECK_ERR(open("loop1/x", O_RDONLY), ELOOP);
    CHECK_OK(symlink("self", "self"));
    CHECK_ERR(stat("self", &st), ELOOP);
    // A chain of 40 links resolves; 41 do not.
    char prev[32] = "d/file", name[32];
    for (int i = 1; i <= 41; i++) {
        snprintf(name, sizeof name, "c%d", i);
        CHECK_OK(symlink(prev, name));
        strcpy(prev, name);
    }
    CHECK_OK(stat("c40", &st));
    CHECK_ERR(stat("c41", &st), ELOOP);

    // Hard link to a symlink vs. to its target.
    CHECK_OK(linkat(AT_FDCWD, "rel", AT_FDCWD, "hl_link", 0));
    CHECK_OK(lstat("hl_link", &lst));
    CHECK(S_ISLNK(lst.st_mode));
    CHECK_OK(linkat(AT_FDCWD, "rel", AT_FDCWD, "hl_file", AT_SYMLINK_FOLLOW));
    CHECK_OK(lstat("hl_file", &lst));
    CHECK(S_ISREG(lst.st_mode) && lst.st_nlink == 2);

    // unlink removes the link, not the target; rmdir through a symlink fails.
    CHECK_ERR(rmdir("absdir"), ENOTDIR);
    CHECK_OK(unlink("absdir"));
    CHECK_OK(access("d", F_OK));

    // readlinkat with an empty path reads an O_PATH|O_NOFOLLOW descriptor.
    fd = CHECK_OK(open("rel", O_PATH | O_NOFOLLOW));
    CHECK(readlinkat(fd, "", buf, sizeof buf) == 6);
    CHECK_OK(close(fd));

    const char* names[] = {"rel", "dangling", "loop1", "loop2", "self", "hl_link", "hl_file", "d/file"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) CHECK_OK(unlink(names[i]));
    for (int i = 1; i <= 41; i++) {
        snprintf(name, sizeof name, "c%d", i);
        CHECK_OK(unlink(name));
    }
    CHECK_OK(rmdir("d"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
