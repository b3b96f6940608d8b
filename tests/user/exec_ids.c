// The ids across execve and in the reports about a child: the auxiliary vector's
// AT_UID/AT_EUID/AT_GID/AT_EGID are the new image's ids and AT_SECURE is set when the
// effective ids differ from the real ones (Linux's commoncap, without file capabilities);
// execve makes the saved ids the effective ones; waitid's si_uid is the child's real uid.
// Runs as root (it changes to other users).
// SYSCALLS: execve, setresuid, setresgid, getresuid, getresgid, waitid
// HOST-QEMU-SKIP: qemu-aarch64 cannot execve an arm64 binary (no binfmt registration)
#define _GNU_SOURCE
#include "lvtest.h"
#include <signal.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>

enum { RUID = 1000, EUID = 1001, SUID = 1002, RGID = 2000, EGID = 2001, SGID = 2002 };

// After the execve, as RUID/EUID and RGID/EGID.
static int child_checks(void) {
    CHECK(getauxval(AT_UID) == RUID, "AT_UID %lu", getauxval(AT_UID));
    CHECK(getauxval(AT_EUID) == EUID, "AT_EUID %lu", getauxval(AT_EUID));
    CHECK(getauxval(AT_GID) == RGID, "AT_GID %lu", getauxval(AT_GID));
    CHECK(getauxval(AT_EGID) == EGID, "AT_EGID %lu", getauxval(AT_EGID));
    CHECK(getauxval(AT_SECURE) == 1, "AT_SECURE %lu", getauxval(AT_SECURE));
    uid_t r, e, s;
    CHECK_OK(getresuid(&r, &e, &s));
    CHECK(r == RUID && e == EUID && s == EUID, "uids %u %u %u after execve", r, e, s);
    gid_t rg, eg, sg;
    CHECK_OK(getresgid(&rg, &eg, &sg));
    CHECK(rg == RGID && eg == EGID && sg == EGID, "gids %u %u %u after execve", rg, eg, sg);
    return 7;
}

// A copy of this program that any user may run (the test's own directory may not be).
static void copy_self(const char* to) {
    int in = CHECK_OK(open("/proc/self/exe", O_RDONLY));
    int out = CHECK_OK(open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755));
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) CHECK(write(out, buf, (size_t)n) == n);
    CHECK(n == 0);
    CHECK_OK(fchmod(out, 0755));
    close(in);
    close(out);
}

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "child") == 0) return child_checks();
    CHECK(geteuid() == 0, "run as root");

    char path[64];
    snprintf(path, sizeof path, "/tmp/exec_ids.%d", getpid());
    copy_self(path);

    // Before any execve, as root: nothing secure about it.
    CHECK(getauxval(AT_SECURE) == 0);
    CHECK(getauxval(AT_UID) == 0 && getauxval(AT_EUID) == 0);

    pid_t c = CHECK_OK(fork());
    if (c == 0) {
        CHECK_OK(setresgid(RGID, EGID, SGID));
        CHECK_OK(setresuid(RUID, EUID, SUID));
        char* args[] = {path, "child", NULL};
        execv(path, args);
        LV_FAIL("execv %s: %s", path, strerror(errno));
    }
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, (id_t)c, &si, WEXITED));
    CHECK(si.si_signo == SIGCHLD && si.si_code == CLD_EXITED, "signo %d code %d", si.si_signo, si.si_code);
    CHECK(si.si_status == 7, "the child's checks failed (status %d)", si.si_status);
    CHECK(si.si_pid == c);
    CHECK(si.si_uid == RUID, "si_uid %u", si.si_uid);

    // A child stopped as another user: its stop is reported with its uid too.
    c = CHECK_OK(fork());
    if (c == 0) {
        CHECK_OK(setresuid(RUID + 5, RUID + 5, RUID + 5));
        raise(SIGSTOP);
        _exit(0);
    }
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, (id_t)c, &si, WSTOPPED));
    CHECK(si.si_code == CLD_STOPPED && si.si_status == SIGSTOP, "code %d status %d", si.si_code, si.si_status);
    CHECK(si.si_uid == RUID + 5, "si_uid %u for a stop", si.si_uid);
    CHECK_OK(kill(c, SIGKILL));
    memset(&si, 0, sizeof si);
    CHECK_OK(waitid(P_PID, (id_t)c, &si, WEXITED));
    CHECK(si.si_code == CLD_KILLED && si.si_status == SIGKILL);

    CHECK_OK(unlink(path));
    puts("exec ids ok");
    return 0;
}
