// CPU time accounting: busy user code shows as user time, syscall-heavy code as system
// time, sleeping adds none; the CPU-time clocks, getrusage, times() and wait4's rusage
// agree; a reaped child's times go to RUSAGE_CHILDREN.
// SYSCALLS: getrusage, times, clock_gettime, wait4, waitid
#define _GNU_SOURCE
#include "lvtest.h"
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ns_of(clockid_t c) {
    struct timespec ts;
    CHECK(clock_gettime(c, &ts) == 0);
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}
static long long tv_ns(struct timeval tv) { return tv.tv_sec * 1000000000ll + tv.tv_usec * 1000ll; }

// Spins in user mode until the process has used `ms` more milliseconds of CPU.
static volatile unsigned long sink;
static void burn_user(int ms) {
    long long end = ns_of(CLOCK_PROCESS_CPUTIME_ID) + ms * 1000000ll;
    while (ns_of(CLOCK_PROCESS_CPUTIME_ID) < end)
        for (int i = 0; i < 100000; i++) sink += i;
}

int main(void) {
    long long t0 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
    burn_user(300);
    long long t1 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
    CHECK(t1 - t0 >= 300000000ll);
    CHECK(ns_of(CLOCK_THREAD_CPUTIME_ID) <= ns_of(CLOCK_PROCESS_CPUTIME_ID));

    struct rusage ru;
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    long long u = tv_ns(ru.ru_utime), s = tv_ns(ru.ru_stime);
    CHECK(u >= 150000000ll, "utime %lld ns after 300 ms of user work", u);
    CHECK(u + s <= ns_of(CLOCK_PROCESS_CPUTIME_ID) + 1000, "utime+stime %lld", u + s);
    struct rusage rt;
    CHECK(getrusage(RUSAGE_THREAD, &rt) == 0);
    CHECK(tv_ns(rt.ru_utime) + tv_ns(rt.ru_stime) <= ns_of(CLOCK_PROCESS_CPUTIME_ID) + 1000);
    CHECK_ERR(getrusage(5, &ru), EINVAL);
    CHECK_ERR(syscall(SYS_getrusage, RUSAGE_SELF, 8), EFAULT);

    // Sleeping uses (almost) no CPU.
    long long before = ns_of(CLOCK_PROCESS_CPUTIME_ID);
    struct timespec nap = {0, 200000000};
    CHECK(nanosleep(&nap, NULL) == 0);
    CHECK(ns_of(CLOCK_PROCESS_CPUTIME_ID) - before < 100000000ll);

    // Syscalls: system time grows.
    CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    long long s0 = tv_ns(ru.ru_stime);
    for (int round = 0; round < 100 && tv_ns(ru.ru_stime) == s0; round++) {
        for (int i = 0; i < 20000; i++) syscall(SYS_getppid);
        CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
    }
    CHECK(tv_ns(ru.ru_stime) > s0, "no system time after many syscalls");

    // The values never go down.
    struct rusage a, b;
    CHECK(getrusage(RUSAGE_SELF, &a) == 0);
    burn_user(30);
    CHECK(getrusage(RUSAGE_SELF, &b) == 0);
    CHECK(tv_ns(b.ru_utime) >= tv_ns(a.ru_utime) && tv_ns(b.ru_stime) >= tv_ns(a.ru_stime));

    // A child's times: in wait4's rusage, then in RUSAGE_CHILDREN and times().
    CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0);
    CHECK(tv_ns(ru.ru_utime) == 0 && tv_ns(ru.ru_stime) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        burn_user(200);
        _exit(0);
    }
    int st;
    struct rusage cru;
    CHECK(wait4(pid, &st, 0, &cru) == pid);
    CHECK(WIFEXITED(st));
    long long cu = tv_ns(cru.ru_utime) + tv_ns(cru.ru_stime);
    CHECK(cu >= 200000000ll, "child used %lld ns", cu);
    CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0);
    CHECK(tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime) == cu);
    // waitid's fifth argument (the raw syscall has it): the same for a waitid reap.
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        burn_user(100);
        _exit(0);
    }
    siginfo_t info;
    struct rusage wru;
    CHECK(syscall(SYS_waitid, P_PID, pid, &info, WEXITED, &wru) == 0);
    CHECK(info.si_pid == pid);
    CHECK(tv_ns(wru.ru_utime) + tv_ns(wru.ru_stime) >= 100000000ll);
    CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0);
    cu = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
    struct tms tms;
    clock_t c0 = times(&tms);
    CHECK(c0 != (clock_t)-1);
    long hz = sysconf(_SC_CLK_TCK);
    CHECK(hz == 100);
    CHECK(tms.tms_utime + tms.tms_stime >= 30, "tms %ld+%ld ticks", (long)tms.tms_utime, (long)tms.tms_stime);
    CHECK(tms.tms_cutime + tms.tms_cstime >= 29 && tms.tms_cutime + tms.tms_cstime <= cu / 10000000 + 1);
    nap.tv_nsec = 50000000;
    nanosleep(&nap, NULL);
    CHECK(times(NULL) - c0 >= 4); // elapsed ticks
    return 0;
}
