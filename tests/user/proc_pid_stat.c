// /proc/PID/stat has Linux's 52 fields, and the ones a process can see change do:
// nice and priority (20 + nice) after setpriority, num_threads, pending, blocked,
// ignored and caught signal masks, exit_signal, policy, the CPU it runs on, vsize, and
// the exit code of a zombie.
// SYSCALLS: openat, read, setpriority, rt_sigprocmask, rt_sigaction, fork, waitid, wait4
// HOST-QEMU-SKIP: qemu-aarch64 makes up its own /proc/self/stat
#define _GNU_SOURCE
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvtest.h"

enum { kFields = 52 };

// fields[i] is field i+1 (fields[0] the pid); the comm is skipped (may hold spaces).
static void read_stat(pid_t pid, unsigned long long* fields) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    lv_read_file(path, buf, sizeof buf);
    char* close_paren = strrchr(buf, ')');
    CHECK(close_paren != NULL, "stat: %s", buf);
    fields[0] = strtoull(buf, NULL, 10);
    fields[1] = 0;
    int n = 2;
    for (char* tok = strtok(close_paren + 1, " \n"); tok; tok = strtok(NULL, " \n")) {
        CHECK(n < kFields, "more than %d fields", kFields);
        fields[n] = n == 2 ? (unsigned long long)tok[0] : strtoull(tok, NULL, 10);
        n++;
    }
    CHECK(n == kFields, "%d fields in /proc/%d/stat, Linux has %d", n, (int)pid, kFields);
}

static void on_hup(int s) { (void)s; }

int main(void) {
    CHECK_OK(setpriority(PRIO_PROCESS, 0, 5));
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    CHECK_OK(raise(SIGUSR1)); // pending, blocked
    signal(SIGUSR2, SIG_IGN);
    signal(SIGHUP, on_hup);

    unsigned long long f[kFields];
    read_stat(getpid(), f);
    CHECK(f[0] == (unsigned long long)getpid() && f[2] == 'R', "pid %llu state %c", f[0], (char)f[2]);
    CHECK(f[3] == (unsigned long long)getppid(), "ppid %llu", f[3]);
    CHECK(f[18] == 5 && f[17] == 25, "nice %llu priority %llu", f[18], f[17]);
    CHECK(f[19] == 1, "num_threads %llu", f[19]);
    // (rss may read 0 on Linux for a small process: its per-thread counts are folded in
    // every 64 faults.)
    CHECK(f[22] > 0 && f[23] * 4096 <= f[22], "vsize %llu rss %llu", f[22], f[23]);
    unsigned long long usr1 = 1ull << (SIGUSR1 - 1), usr2 = 1ull << (SIGUSR2 - 1), hup = 1ull << (SIGHUP - 1);
    CHECK((f[30] & usr1) && (f[31] & usr1), "signal %#llx blocked %#llx", f[30], f[31]);
    CHECK((f[32] & usr2) && !(f[32] & hup) && (f[33] & hup) && !(f[33] & usr2), "sigignore %#llx sigcatch %#llx", f[32],
          f[33]);
    CHECK(f[37] == SIGCHLD, "exit_signal %llu", f[37]);
    CHECK(f[38] < (unsigned long long)sysconf(_SC_NPROCESSORS_CONF), "processor %llu", f[38]);
    CHECK(f[40] == 0 && f[39] == 0, "policy %llu rt_priority %llu", f[40], f[39]);

    // A zombie's exit code, in wait(2)'s encoding.
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) _exit(3);
    siginfo_t si;
    CHECK_OK(waitid(P_PID, c, &si, WEXITED | WNOWAIT));
    read_stat(c, f);
    CHECK(f[2] == 'Z' && f[51] == 3 << 8, "zombie state %c exit_code %#llx", (char)f[2], f[51]);
    CHECK(waitpid(c, NULL, 0) == c);
    puts("ok");
    return 0;
}
