// sysinfo reports uptime, memory and a task count; personality(0xffffffff) queries and
// PER_LINUX with ADDR_NO_RANDOMIZE (setarch -R) is stored and inherited; reboot checks
// the privilege first, then its magic numbers (this test never reboots anything).
// SYSCALLS: sysinfo, personality, reboot
#define _GNU_SOURCE
#include "lvtest.h"
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    struct sysinfo si;
    CHECK(sysinfo(&si) == 0);
    CHECK(si.uptime > 0);
    CHECK(si.mem_unit >= 1);
    CHECK(si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram);
    CHECK((unsigned long long)si.totalram * si.mem_unit >= 16ull << 20, "totalram %lu", si.totalram);
    CHECK(si.procs >= 1);
    CHECK_ERR(syscall(SYS_sysinfo, 8), EFAULT);

    long old = syscall(SYS_personality, 0xffffffff);
    CHECK(old == PER_LINUX, "personality %#lx", old);
    CHECK(syscall(SYS_personality, PER_LINUX | ADDR_NO_RANDOMIZE) == PER_LINUX);
    CHECK(syscall(SYS_personality, 0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(syscall(SYS_personality, 0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE));
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
    CHECK(syscall(SYS_personality, PER_LINUX) == (PER_LINUX | ADDR_NO_RANDOMIZE));
    CHECK(syscall(SYS_personality, 0xffffffff) == PER_LINUX);

    if (geteuid() == 0) {
        // A wrong first magic number: EINVAL before anything happens.
        CHECK_ERR(syscall(SYS_reboot, 0x12345678, 672274793, 0x4321FEDC, 0), EINVAL);
        CHECK_ERR(syscall(SYS_reboot, 0xfee1dead, 12345, 0x4321FEDC, 0), EINVAL);
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            CHECK(syscall(SYS_setresuid, 1000, 1000, 1000) == 0);
            CHECK_ERR(syscall(SYS_reboot, 0xfee1dead, 672274793, 0x4321FEDC, 0), EPERM); // CAP_SYS_BOOT
            CHECK_ERR(syscall(SYS_reboot, 0x12345678, 0, 0, 0), EPERM); // checked first
            _exit(0);
        }
        CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
    }
    return 0;
}
