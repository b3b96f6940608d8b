// Supplementary groups: setgroups stores them sorted, getgroups reports the count and
// the list, both check their sizes; only a privileged process may set them.
// SYSCALLS: getgroups, setgroups
#define _GNU_SOURCE
#include "lvtest.h"
#include <grp.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long sc(long nr, long a, long b) { return syscall(nr, a, b); }
static long sc3(long nr, long a, long b, long c) { return syscall(nr, a, b, c); }

int main(void) {
    if (geteuid() != 0) {
        printf("not root: nothing to check\n");
        return 0;
    }
    gid_t set[] = {500, 3, 100, 3, 42};
    CHECK(sc(SYS_setgroups, 5, (long)set) == 0);
    CHECK(sc(SYS_getgroups, 0, 0) == 5); // size 0: just the count
    gid_t got[8] = {0};
    CHECK_ERR(sc(SYS_getgroups, 4, (long)got), EINVAL);
    CHECK_ERR(sc(SYS_getgroups, -1, (long)got), EINVAL);
    CHECK(sc(SYS_getgroups, 8, (long)got) == 5);
    gid_t sorted[] = {3, 3, 42, 100, 500}; // Linux sorts them and keeps duplicates
    for (int i = 0; i < 5; i++) CHECK(got[i] == sorted[i], "got[%d] = %u", i, got[i]);
    CHECK_ERR(sc(SYS_getgroups, 8, 16), EFAULT);

    CHECK_ERR(sc(SYS_setgroups, 65537, (long)set), EINVAL); // NGROUPS_MAX is 65536
    CHECK_ERR(sc(SYS_setgroups, -1, (long)set), EINVAL);
    gid_t bad[] = {1, (gid_t)-1};
    CHECK_ERR(sc(SYS_setgroups, 2, (long)bad), EINVAL);
    CHECK_ERR(sc(SYS_setgroups, 2, 16), EFAULT);
    CHECK(sc(SYS_getgroups, 0, 0) == 5); // failed calls changed nothing

    // The largest list, in descending order.
    static gid_t many[65536];
    for (int i = 0; i < 65536; i++) many[i] = 200000 - i;
    CHECK(sc(SYS_setgroups, 65536, (long)many) == 0);
    static gid_t back[65536];
    CHECK(sc(SYS_getgroups, 65536, (long)back) == 65536);
    for (int i = 0; i < 65536; i++) CHECK(back[i] == (gid_t)(200000 - 65535 + i), "back[%d] = %u", i, back[i]);

    CHECK(sc(SYS_setgroups, 0, 0) == 0); // none
    CHECK(sc(SYS_getgroups, 0, 0) == 0);

    // Inherited by a child; an unprivileged child may read but not set them.
    CHECK(sc(SYS_setgroups, 2, (long)set) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        gid_t g[4];
        CHECK(sc(SYS_getgroups, 4, (long)g) == 2 && g[0] == 3 && g[1] == 500);
        CHECK(sc3(SYS_setresuid, 1000, 1000, 1000) == 0);
        CHECK_ERR(sc(SYS_setgroups, 1, (long)set), EPERM);
        CHECK(sc(SYS_getgroups, 4, (long)g) == 2);
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
    return 0;
}
