// mount(2)/umount2(2): a tmpfs over a directory hides it and its st_dev differs; bind
// mounts; EINVAL/ENOENT/ENODEV. Needs root (skipped otherwise).
// SYSCALLS: mount, umount2
#include "lvtest.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    if (getuid() != 0) return 0;
    char dir[] = "/tmp/fsmntXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chdir(dir));
    CHECK_OK(mkdir("m", 0755));
    CHECK_OK(mkdir("src", 0755));
    int fd = CHECK_OK(open("m/hidden", O_WRONLY | O_CREAT, 0644));
    CHECK_OK(close(fd));
    fd = CHECK_OK(open("src/shown", O_WRONLY | O_CREAT, 0644));
    CHECK_OK(close(fd));

    struct stat before, after;
    CHECK_OK(stat("m", &before));
    if (mount("none", "m", "tmpfs", 0, "mode=0700") != 0) {
        // Not allowed here (a container without CAP_SYS_ADMIN): nothing to test.
        CHECK(errno == EPERM);
        goto out;
    }
    CHECK_OK(stat("m", &after));
    CHECK(after.st_dev != before.st_dev);
    CHECK((after.st_mode & 07777) == 0700, "%o", after.st_mode);
    CHECK_ERR(access("m/hidden", F_OK), ENOENT);
    fd = CHECK_OK(open("m/new", O_WRONLY | O_CREAT, 0644));
    CHECK_OK(close(fd));
    CHECK_ERR(rmdir("m"), EBUSY);
    CHECK_ERR(rename("src/shown", "m/moved"), EXDEV);
    CHECK_OK(umount2("m", 0));
    CHECK_OK(access("m/hidden", F_OK));
    CHECK_ERR(access("m/new", F_OK), ENOENT);
    CHECK_ERR(umount2("m", 0), EINVAL);
    CHECK_ERR(umount2("nope", 0), ENOENT);
    CHECK_ERR(umount2("m", 0x100), EINVAL);
    CHECK_ERR(mount("none", "m", "no-such-fs", 0, NULL), ENODEV);
    CHECK_ERR(mount("none", "nope", "tmpfs", 0, NULL), ENOENT);

    CHECK_OK(mount("src", "m", NULL, MS_BIND, NULL));
    CHECK_OK(access("m/shown", F_OK));
    CHECK_OK(umount2("m", 0));
    CHECK_ERR(access("m/shown", F_OK), ENOENT);

out:
    CHECK_OK(unlink("m/hidden"));
    CHECK_OK(unlink("src/shown"));
    CHECK_OK(rmdir("m"));
    CHECK_OK(rmdir("src"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
