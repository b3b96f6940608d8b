// Scheduling policies, priorities, nice values and CPU affinity are checked, stored per
// thread, reported back and inherited (or reset) across fork, with the unprivileged
// limits of RLIMIT_NICE and RLIMIT_RTPRIO (sched(7), setpriority(2)). Raw syscalls:
// musl's sched_setscheduler wrapper is a stub.
// SYSCALLS: sched_getaffinity, sched_setaffinity, sched_getparam, sched_setparam, sched_getscheduler, sched_setscheduler, sched_get_priority_max, sched_get_priority_min, sched_rr_get_interval, getpriority, setpriority, getcpu
#define _GNU_SOURCE
#include "lvtest.h"
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long setsched(int pid, int policy, int prio) { return syscall(SYS_sched_setscheduler, pid, policy, &prio); }
static long getsched(int pid) { return syscall(SYS_sched_getscheduler, pid); }
static int getparam(int pid) {
    int prio = -1;
    CHECK(syscall(SYS_sched_getparam, pid, &prio) == 0);
    return prio;
}
// The raw getpriority returns 20 - nice.
static long nice_of(int which, int who) { return 20 - syscall(SYS_getpriority, which, who); }

static void wait_ok(pid_t pid) {
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

static void affinity(void) {
    unsigned long mask[64] = {0};
    // Returns the size of the kernel's mask: whole longs covering the possible CPUs.
    long size = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
    CHECK(size >= (long)sizeof(long) && size % sizeof(long) == 0, "size %ld", size);
    CHECK(mask[0] & 1);
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, mask), EINVAL); // not a whole long
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 0, mask), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, sizeof mask, 8), EFAULT);
    unsigned long none = 0, cpu0 = 1, cpu63 = 1ul << 63;
    CHECK_ERR(syscall(SYS_sched_setaffinity, 0, sizeof none, &none), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setaffinity, 0, sizeof cpu63, &cpu63), EINVAL); // no such CPU
    CHECK(syscall(SYS_sched_setaffinity, 0, sizeof cpu0, &cpu0) == 0);
    CHECK(syscall(SYS_sched_getaffinity, 0, sizeof mask, mask) == size);
    CHECK(mask[0] == 1, "mask %#lx", mask[0]);
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0x3fffffff, sizeof mask, mask), ESRCH);
    unsigned cpu = 99, node = 99;
    CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0);
    CHECK(cpu == 0 && node == 0, "cpu %u node %u", cpu, node); // pinned to CPU 0 above
}

static void policies(void) {
    CHECK(syscall(SYS_sched_get_priority_max, SCHED_FIFO) == 99);
    CHECK(syscall(SYS_sched_get_priority_min, SCHED_RR) == 1);
    CHECK(syscall(SYS_sched_get_priority_max, SCHED_OTHER) == 0);
    CHECK(syscall(SYS_sched_get_priority_min, SCHED_IDLE) == 0);
    CHECK_ERR(syscall(SYS_sched_get_priority_max, 42), EINVAL);

    CHECK(getsched(0) == SCHED_OTHER);
    CHECK(getparam(0) == 0);
    CHECK_ERR(setsched(0, 4, 0), EINVAL);          // no policy 4
    CHECK_ERR(setsched(0, SCHED_FIFO, 0), EINVAL); // real-time needs 1..99
    CHECK_ERR(setsched(0, SCHED_FIFO, 100), EINVAL);
    CHECK_ERR(setsched(0, SCHED_OTHER, 5), EINVAL); // the others need 0
    CHECK_ERR(setsched(-1, SCHED_OTHER, 0), EINVAL);
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
    CHECK_ERR(getsched(-1), EINVAL);
    CHECK_ERR(getsched(0x3fffffff), ESRCH);

    CHECK(setsched(0, SCHED_BATCH, 0) == 0);
    CHECK(getsched(0) == SCHED_BATCH);
    CHECK(setsched(0, SCHED_IDLE, 0) == 0);
    CHECK(getsched(0) == SCHED_IDLE);
    CHECK(setsched(0, SCHED_RR, 7) == 0);
    CHECK(getsched(0) == SCHED_RR && getparam(0) == 7);
    struct timespec ts;
    CHECK(syscall(SYS_sched_rr_get_interval, 0, &ts) == 0);
    CHECK(ts.tv_sec > 0 || ts.tv_nsec > 0);
    int prio = 12;
    CHECK(syscall(SYS_sched_setparam, 0, &prio) == 0); // keeps the policy
    CHECK(getsched(0) == SCHED_RR && getparam(0) == 12);
    CHECK(setsched(0, SCHED_FIFO, 10) == 0);
    CHECK(syscall(SYS_sched_rr_get_interval, 0, &ts) == 0);
    CHECK(ts.tv_sec == 0 && ts.tv_nsec == 0); // FIFO has no time slice

    // Inherited by a child...
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(getsched(0) == SCHED_FIFO && getparam(0) == 10);
        _exit(0);
    }
    wait_ok(pid);
    // ...unless SCHED_RESET_ON_FORK.
    CHECK(setsched(0, SCHED_FIFO | SCHED_RESET_ON_FORK, 10) == 0);
    CHECK(getsched(0) == (SCHED_FIFO | SCHED_RESET_ON_FORK));
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(getsched(0) == SCHED_OTHER && getparam(0) == 0);
        _exit(0);
    }
    wait_ok(pid);
    CHECK(setsched(0, SCHED_OTHER, 0) == 0); // root may clear the flag
    CHECK(getsched(0) == SCHED_OTHER);
}

static void nice_values(void) {
    CHECK(nice_of(PRIO_PROCESS, 0) == 0);
    CHECK(syscall(SYS_setpriority, PRIO_PROCESS, 0, 5) == 0);
    CHECK(nice_of(PRIO_PROCESS, 0) == 5);
    CHECK(nice_of(PRIO_PROCESS, getpid()) == 5);
    CHECK(syscall(SYS_setpriority, PRIO_PROCESS, 0, 100) == 0); // clamped to 19
    CHECK(nice_of(PRIO_PROCESS, 0) == 19);
    CHECK(syscall(SYS_setpriority, PRIO_PROCESS, 0, -100) == 0); // root: down to -20
    CHECK(nice_of(PRIO_PROCESS, 0) == -20);
    CHECK_ERR(syscall(SYS_getpriority, 3, 0), EINVAL);
    CHECK_ERR(syscall(SYS_getpriority, PRIO_PROCESS, 0x3fffffff), ESRCH);
    CHECK_ERR(syscall(SYS_setpriority, PRIO_PROCESS, 0x3fffffff, 0), ESRCH);
    CHECK_ERR(syscall(SYS_getpriority, PRIO_USER, 54321), ESRCH);
    CHECK(syscall(SYS_setpriority, PRIO_PROCESS, 0, 10) == 0);

    pid_t parent = getpid();
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        CHECK(nice_of(PRIO_PROCESS, 0) == 10); // inherited
        struct rlimit zero = {0, 0};
        CHECK(setrlimit(RLIMIT_NICE, &zero) == 0 && setrlimit(RLIMIT_RTPRIO, &zero) == 0);
        CHECK(syscall(SYS_setresuid, 1000, 1000, 1000) == 0);
        CHECK(syscall(SYS_setpriority, PRIO_PROCESS, 0, 15) == 0); // raising nice: fine
        CHECK_ERR(syscall(SYS_setpriority, PRIO_PROCESS, 0, 12), EACCES); // lowering: RLIMIT_NICE
        CHECK(nice_of(PRIO_PROCESS, 0) == 15);
        CHECK_ERR(syscall(SYS_setpriority, PRIO_PROCESS, parent, 19), EPERM); // not ours
        CHECK_ERR(setsched(0, SCHED_FIFO, 1), EPERM); // RLIMIT_RTPRIO is 0
        CHECK(setsched(0, SCHED_BATCH, 0) == 0);
        unsigned long cpu0 = 1;
        CHECK_ERR(syscall(SYS_sched_setaffinity, parent, sizeof cpu0, &cpu0), EPERM);
        _exit(0);
    }
    wait_ok(pid);
    CHECK(syscall(SYS_setpriority, PRIO_PROCESS, 0, 0) == 0);
}

int main(void) {
    if (geteuid() != 0) {
        printf("not root: nothing to check\n");
        return 0;
    }
    affinity();
    policies();
    nice_values();
    return 0;
}
