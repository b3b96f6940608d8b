// mlock, mlock2, munlock, mlockall, munlockall and MAP_LOCKED against RLIMIT_MEMLOCK for
// an unprivileged process: locked memory shows in VmLck and is present (mincore-free:
// the page count in VmRSS grows), the limit gives ENOMEM (EAGAIN for MAP_LOCKED, EPERM
// with a zero limit), unmapped parts ENOMEM, bad flags EINVAL; fork does not inherit
// locks. Run in a child that drops root (root is not limited).
// SYSCALLS: mlock, mlock2, munlock, mlockall, munlockall, setrlimit, setuid
// HOST-QEMU-SKIP: qemu-aarch64 does not implement mlock2 (EINVAL)
#define _GNU_SOURCE
#include "lvtest.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long status(const char* name) {
    static char text[8192];
    lv_read_file("/proc/self/status", text, sizeof text);
    char* p = strstr(text, name);
    CHECK(p, "no %s", name);
    return strtol(p + strlen(name), NULL, 10);
}

static void run(void) {
    long page = sysconf(_SC_PAGESIZE);
    struct rlimit rl = {16 * page, 16 * page};
    CHECK_OK(setrlimit(RLIMIT_MEMLOCK, &rl));
    CHECK_OK(setgid(65534));
    CHECK_OK(setuid(65534));
    char* m = mmap(NULL, 64 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    long lck0 = status("VmLck:"), rss0 = status("VmRSS:");
    CHECK_OK(mlock(m + 1, 8 * page - 1)); // rounded to whole pages: 8
    CHECK(status("VmLck:") - lck0 == 8 * page / 1024, "VmLck +%ld kB", status("VmLck:") - lck0);
    CHECK(status("VmRSS:") - rss0 >= 8 * page / 1024, "locked pages are present: VmRSS +%ld kB", status("VmRSS:") - rss0);
    CHECK_OK(mlock(m, 8 * page)); // again: nothing more counted
    CHECK_ERR(mlock(m, 32 * page), ENOMEM);       // past the limit
    CHECK_OK(mlock2(m + 8 * page, 8 * page, MLOCK_ONFAULT)); // exactly the limit
    CHECK_ERR(mlock(m + 16 * page, page), ENOMEM);
    CHECK_ERR(syscall(SYS_mlock2, m, page, 2), EINVAL);
    CHECK(mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0) == MAP_FAILED && errno == EAGAIN,
          "MAP_LOCKED past the limit: %s", strerror(errno));
    CHECK_ERR(mlockall(MCL_CURRENT), ENOMEM);
    CHECK_ERR(mlockall(MCL_ONFAULT), EINVAL);
    CHECK_ERR(mlockall(0), EINVAL);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) _exit(status("VmLck:") == 0 ? 0 : 1);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child inherited locks");

    CHECK_OK(munlock(m, 4 * page));
    CHECK(status("VmLck:") - lck0 == 12 * page / 1024, "after munlock: +%ld kB", status("VmLck:") - lck0);
    CHECK_OK(munmap(m + 32 * page, page));
    CHECK_ERR(mlock(m + 31 * page, 2 * page), ENOMEM); // a hole
    CHECK_ERR(munlock(m + 31 * page, 2 * page), ENOMEM);
    CHECK_OK(munlockall());
    CHECK(status("VmLck:") == 0);
    char* l = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
    CHECK(l != MAP_FAILED);
    CHECK(status("VmLck:") == 4 * page / 1024);
    CHECK_OK(munmap(l, 4 * page));
    CHECK(status("VmLck:") == 0);

    rl.rlim_cur = rl.rlim_max = 0;
    CHECK_OK(setrlimit(RLIMIT_MEMLOCK, &rl));
    CHECK_ERR(mlock(m, page), EPERM);
    CHECK_ERR(mlockall(MCL_FUTURE), EPERM);
}

int main(void) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        run();
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
    // Root is not limited.
    long page = sysconf(_SC_PAGESIZE);
    struct rlimit rl = {page, page};
    CHECK_OK(setrlimit(RLIMIT_MEMLOCK, &rl));
    char* m = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK_OK(mlock(m, 8 * page));
    CHECK_OK(munlock(m, 8 * page));
    return 0;
}
