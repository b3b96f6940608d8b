// Only a privileged process may change what the file tree looks like: mount, umount2
// and pivot_root need CAP_SYS_ADMIN, chroot CAP_SYS_CHROOT, and a user without them
// gets EPERM (after the path is looked up for mount, umount2 and chroot, before it for
// pivot_root, as Linux orders the checks). The fuzzer found an unprivileged
// pivot_root that moved every process's root. Runs as root and drops to uid 65534 in a
// child (skipped when not started as root).
// SYSCALLS: mount, umount2, pivot_root, chroot
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    if (getuid() != 0) return 0;
    char dir[] = "/tmp/mntprivXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chmod(dir, 0777));
    CHECK_OK(chdir(dir));
    CHECK_OK(mkdir("m", 0777));
    CHECK_OK(mkdir("m/old", 0777));
    CHECK_OK(close(CHECK_OK(open("file", O_WRONLY | O_CREAT, 0644))));
    struct stat root_before;
    CHECK_OK(stat("/", &root_before));

    pid_t pid = CHECK_OK(fork());
    if (pid == 0) {
        CHECK_OK(setgroups(0, NULL));
        CHECK_OK(setresgid(65534, 65534, 65534));
        CHECK_OK(setresuid(65534, 65534, 65534));
        CHECK_ERR(mount("none", "m", "tmpfs", 0, NULL), EPERM);
        CHECK_ERR(mount("none", "nope", "tmpfs", 0, NULL), ENOENT); // the target first
        CHECK_ERR(mount("/", "m", NULL, MS_BIND, NULL), EPERM);
        CHECK_ERR(umount2("/proc", 0), EPERM);
        CHECK_ERR(umount2("/proc", MNT_DETACH), EPERM);
        CHECK_ERR(umount2("nope", 0), ENOENT);
        CHECK_ERR(syscall(SYS_pivot_root, "m", "m/old"), EPERM);
        CHECK_ERR(syscall(SYS_pivot_root, "nope", "nope"), EPERM); // before any lookup
        CHECK_ERR(chroot("m"), EPERM);
        CHECK_ERR(chroot("/"), EPERM);
        CHECK_ERR(chroot("nope"), ENOENT);
        CHECK_ERR(chroot("file"), ENOTDIR);
        struct stat st;
        CHECK_OK(stat("/proc/self/status", &st)); // /proc is still mounted
        CHECK_OK(stat("/", &st));
        CHECK(st.st_ino == root_before.st_ino && st.st_dev == root_before.st_dev);
        _exit(0);
    }
    int status;
    CHECK_OK(waitpid(pid, &status, 0));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
    struct stat st;
    CHECK_OK(stat("m", &st));
    CHECK_OK(stat("m/old", &st)); // nothing was mounted over m
    CHECK_OK(unlink("file"));
    CHECK_OK(rmdir("m/old"));
    CHECK_OK(rmdir("m"));
    CHECK_OK(chdir("/"));
    CHECK_OK(rmdir(dir));
    return 0;
}
