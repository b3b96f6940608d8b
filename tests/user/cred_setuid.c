// The real/effective/saved uid and gid rules of setuid(2), setreuid(2), setresuid(2)
// and setfsuid(2) (credentials(7)), for root and for an unprivileged process: each
// scenario runs in a forked child, since dropping root cannot be undone.
// SYSCALLS: setuid, setgid, setreuid, setregid, setresuid, setresgid, setfsuid, setfsgid, getresuid, getresgid
#define _GNU_SOURCE
#include "lvtest.h"
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Raw syscalls: the C libraries' wrappers of setfsuid and friends differ in details, and
// glibc's set*id would also signal every thread (there is one).
static long sc(long nr, long a, long b, long c) { return syscall(nr, a, b, c); }

static void expect_uids(uid_t r, uid_t e, uid_t s, int line) {
    uid_t gr, ge, gs;
    CHECK(getresuid(&gr, &ge, &gs) == 0);
    if (gr != r || ge != e || gs != s)
        LV_FAIL("line %d: uids (%u,%u,%u), expected (%u,%u,%u)", line, gr, ge, gs, r, e, s);
}
static void expect_gids(gid_t r, gid_t e, gid_t s, int line) {
    gid_t gr, ge, gs;
    CHECK(getresgid(&gr, &ge, &gs) == 0);
    if (gr != r || ge != e || gs != s)
        LV_FAIL("line %d: gids (%u,%u,%u), expected (%u,%u,%u)", line, gr, ge, gs, r, e, s);
}
#define UIDS(r, e, s) expect_uids(r, e, s, __LINE__)
#define GIDS(r, e, s) expect_gids(r, e, s, __LINE__)
// setfsuid(-1) changes nothing and returns the current fsuid.
static long fsuid(void) { return sc(SYS_setfsuid, -1, 0, 0); }
static long fsgid(void) { return sc(SYS_setfsgid, -1, 0, 0); }

static void in_child(void (*f)(void)) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        f();
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

// Root's setuid sets all four ids; afterwards nothing brings root back.
static void root_setuid(void) {
    CHECK(sc(SYS_setuid, 1000, 0, 0) == 0);
    UIDS(1000, 1000, 1000);
    CHECK(fsuid() == 1000);
    CHECK_ERR(sc(SYS_setuid, 0, 0, 0), EPERM);
    CHECK_ERR(sc(SYS_setresuid, -1, 0, -1), EPERM);
    CHECK_ERR(sc(SYS_setgid, 5, 0, 0), EPERM); // CAP_SETGID went with euid 0
    CHECK(sc(SYS_setuid, 1000, 0, 0) == 0);    // its own id is always fine
    CHECK_ERR(sc(SYS_setuid, -1, 0, 0), EINVAL);
}

// Keeping 0 as the saved uid lets a process drop and regain root (seteuid).
static void saved_root(void) {
    CHECK(sc(SYS_setresuid, 1000, 1001, 0) == 0);
    UIDS(1000, 1001, 0);
    CHECK(fsuid() == 1001); // the fs id follows the effective id
    CHECK_ERR(sc(SYS_setresuid, 1002, -1, -1), EPERM);
    CHECK(sc(SYS_setresuid, -1, 0, -1) == 0); // back to euid 0: it is the saved uid
    UIDS(1000, 0, 0);
    CHECK(sc(SYS_setresuid, 1001, 1001, 1001) == 0);
    UIDS(1001, 1001, 1001);
    CHECK_ERR(sc(SYS_setresuid, 0, -1, -1), EPERM);
}

// setreuid: the saved uid follows the new euid when the real uid is set, or when the
// euid becomes something other than the old real uid.
static void reuid_rules(void) {
    CHECK(sc(SYS_setreuid, 1000, 1001, 0) == 0);
    UIDS(1000, 1001, 1001);
    CHECK(sc(SYS_setreuid, -1, 1000, 0) == 0); // euid = the real uid: saved unchanged
    UIDS(1000, 1000, 1001);
    CHECK(sc(SYS_setreuid, -1, 1001, 0) == 0); // euid = the saved uid: allowed, saved follows
    UIDS(1000, 1001, 1001);
    CHECK(sc(SYS_setreuid, 1001, -1, 0) == 0); // real = the effective uid: allowed
    UIDS(1001, 1001, 1001);
    CHECK_ERR(sc(SYS_setreuid, 1000, -1, 0), EPERM);
    CHECK_ERR(sc(SYS_setreuid, -1, 0, 0), EPERM);
    UIDS(1001, 1001, 1001);
}

// The gid calls follow the same rules, gated by CAP_SETGID (euid 0), not by the gid.
static void gid_rules(void) {
    CHECK(sc(SYS_setresgid, 10, 11, 12) == 0);
    GIDS(10, 11, 12);
    CHECK(fsgid() == 11);
    CHECK(sc(SYS_setregid, 20, 21, 0) == 0);
    GIDS(20, 21, 21);
    CHECK(sc(SYS_setgid, 30, 0, 0) == 0); // root: all four
    GIDS(30, 30, 30);
    CHECK(sc(SYS_setresuid, 1000, 1000, 1000) == 0);
    CHECK_ERR(sc(SYS_setgid, 31, 0, 0), EPERM);
    CHECK_ERR(sc(SYS_setresgid, 31, -1, -1), EPERM);
    CHECK(sc(SYS_setgid, 30, 0, 0) == 0);
    CHECK(sc(SYS_setregid, -1, 30, 0) == 0);
    GIDS(30, 30, 30);
}

// setfsuid returns the previous value and changes it only to one of the other ids
// (or anything for root).
static void fsuid_rules(void) {
    CHECK(sc(SYS_setfsuid, 4000, 0, 0) == 0); // root: allowed, returns the old 0
    CHECK(fsuid() == 4000);
    CHECK(sc(SYS_setresuid, 1000, 1001, 1002) == 0);
    CHECK(fsuid() == 1001);
    CHECK(sc(SYS_setfsuid, 5555, 0, 0) == 1001); // not allowed: unchanged, old value returned
    CHECK(fsuid() == 1001);
    CHECK(sc(SYS_setfsuid, 1002, 0, 0) == 1001); // the saved uid is allowed
    CHECK(fsuid() == 1002);
    CHECK(sc(SYS_setfsgid, 77, 0, 0) == 0); // CAP_SETGID is gone: unchanged
    CHECK(fsgid() == 0);
}

int main(void) {
    if (getuid() != 0 || geteuid() != 0) {
        printf("not root: nothing to check\n");
        return 0;
    }
    in_child(root_setuid);
    in_child(saved_root);
    in_child(reuid_rules);
    in_child(gid_rules);
    in_child(fsuid_rules);
    UIDS(0, 0, 0);
    return 0;
}
