// pivot_root(2) onto an ext2 disk: EBUSY when put_old is on the current root, EINVAL
// when new_root is not a mount point; afterwards / is the disk, the old root is at put_old and
// can be detached. On the host it runs in a private mount namespace; LevitateOS has
// one namespace (unshare fails there), which is the test's own machine.
// DISK: ext2 8M 1024 populated
// SYSCALLS: pivot_root, mount, umount2, getcwd
#define _GNU_SOURCE
#include "lvtest.h"
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static int pivot_root(const char* new_root, const char* put_old) { return (int)syscall(SYS_pivot_root, new_root, put_old); }

int main(void) {
    const char* disk = getenv("LV_DISK");
    CHECK(disk, "LV_DISK is not set (the runner's DISK directive)");
    if (unshare(CLONE_NEWNS) == 0) {
        CHECK_OK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    } else {
        struct utsname u;
        CHECK_OK(uname(&u));
        // Never pivot a real machine's root: only LevitateOS may go on without a namespace.
        if (!strstr(u.version, "LevitateOS")) LV_FAIL("unshare(CLONE_NEWNS): %s", strerror(errno));
    }
    struct stat dev;
    CHECK_OK(stat(disk, &dev));
    char mnt[] = "/tmp/pivotXXXXXX";
    CHECK(mkdtemp(mnt));
    CHECK_OK(mount(disk, mnt, "ext2", 0, NULL));
    CHECK_OK(chdir(mnt));
    CHECK_OK(mkdir("oldroot", 0755));

    CHECK_ERR(pivot_root(".", "/"), EBUSY);          // put_old is on the current root
    CHECK_ERR(pivot_root(".", "/tmp/.."), EBUSY);
    CHECK_ERR(pivot_root("dir", "oldroot"), EINVAL);  // new_root is not a mount point
    CHECK_ERR(pivot_root(".", "hello.txt"), ENOTDIR);
    CHECK_ERR(pivot_root(".", "missing"), ENOENT);
    CHECK_OK(pivot_root(".", "oldroot"));

    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0, "%s", cwd);
    struct stat st;
    CHECK_OK(stat("/", &st));
    CHECK(st.st_dev == dev.st_rdev && st.st_ino == 2);
    CHECK_OK(access("/hello.txt", R_OK));
    CHECK_OK(access("/dir/nested.txt", R_OK));
    char old_mnt[300];
    snprintf(old_mnt, sizeof old_mnt, "/oldroot%s", mnt); // where the disk was mounted
    CHECK_OK(stat(old_mnt, &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_OK(umount2("/oldroot", MNT_DETACH));
    CHECK_ERR(stat(old_mnt, &st), ENOENT);
    CHECK_OK(rmdir("/oldroot"));
    return 0;
}
