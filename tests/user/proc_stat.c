// /proc/stat as Linux formats it: "cpu " with ten counters summed over the CPUs, one
// "cpuN" line per CPU (as many as sysconf(_SC_NPROCESSORS_ONLN) says), then intr, ctxt,
// btime, processes, procs_running, procs_blocked. The counters move: user time after a
// busy loop, ctxt after sleeps, processes after a fork; btime agrees with /proc/uptime.
// SYSCALLS: openat, read, fork, wait4, nanosleep, clock_gettime
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lvtest.h"

struct stat_snapshot {
    unsigned long long cpu[10], sum_cpus[10];
    int cpus;
    unsigned long long intr, ctxt, btime, processes;
    long running, blocked;
    int seen; // bit per line kind
};

static void read_stat(struct stat_snapshot* s) {
    static char buf[1 << 16];
    memset(s, 0, sizeof *s);
    lv_read_file("/proc/stat", buf, sizeof buf);
    CHECK(!strncmp(buf, "cpu  ", 5), "first line: %.40s", buf);
    for (char* line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long long v[10];
        int cpu;
        if (!strncmp(line, "cpu  ", 5)) {
            CHECK(sscanf(line + 5, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                         &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 10,
                  "cpu line: %s", line);
            memcpy(s->cpu, v, sizeof v);
            s->seen |= 1;
        } else if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1], &v[2],
                          &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 11) {
            CHECK(cpu == s->cpus, "cpu%d where cpu%d was expected", cpu, s->cpus);
            for (int i = 0; i < 10; i++) s->sum_cpus[i] += v[i];
            s->cpus++;
        } else if (sscanf(line, "intr %llu", &s->intr) == 1) s->seen |= 2;
        else if (sscanf(line, "ctxt %llu", &s->ctxt) == 1) s->seen |= 4;
        else if (sscanf(line, "btime %llu", &s->btime) == 1) s->seen |= 8;
        else if (sscanf(line, "processes %llu", &s->processes) == 1) s->seen |= 16;
        else if (sscanf(line, "procs_running %ld", &s->running) == 1) s->seen |= 32;
        else if (sscanf(line, "procs_blocked %ld", &s->blocked) == 1) s->seen |= 64;
    }
    CHECK(s->seen == 127, "lines seen %#x", s->seen);
}

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void) {
    struct stat_snapshot a, b;
    read_stat(&a);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(a.cpus >= 1 && a.cpus == online, "%d cpuN lines, %ld CPUs online", a.cpus, online);
    CHECK(a.running >= 1 && a.blocked >= 0, "running %ld blocked %ld", a.running, a.blocked);
    // The sum line is read a moment before the per-CPU ones: within a few ticks of them.
    for (int i = 0; i < 4; i++)
        CHECK(a.cpu[i] <= a.sum_cpus[i] + 5 * (unsigned long long)a.cpus + 5 && a.sum_cpus[i] <= a.cpu[i] + 5 * (unsigned long long)a.cpus + 5,
              "field %d: cpu %llu, sum of cpuN %llu", i, a.cpu[i], a.sum_cpus[i]);

    // btime + uptime is now.
    FILE* f = fopen("/proc/uptime", "r");
    CHECK(f != NULL);
    double up;
    CHECK(fscanf(f, "%lf", &up) == 1);
    fclose(f);
    double now = (double)time(NULL);
    CHECK(a.btime + up > now - 3 && a.btime + up < now + 3, "btime %llu + uptime %.2f vs now %.0f", a.btime, up, now);

    // 0.3 s of user time shows in user + nice (USER_HZ = 100).
    double start = cpu_seconds();
    volatile unsigned long spin = 0;
    // Mostly in user mode: the clock is read (a system call) only every 100000 steps.
    while (cpu_seconds() - start < 0.3)
        for (int k = 0; k < 100000; k++) spin++;
    struct timespec ts = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 5; i++) nanosleep(&ts, NULL);
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) _exit(0);
    CHECK(waitpid(c, NULL, 0) == c);
    read_stat(&b);
    unsigned long long user = (b.cpu[0] + b.cpu[1]) - (a.cpu[0] + a.cpu[1]);
    // Tick sampling decides what is user time: at least some of 0.3 s of it is.
    CHECK(user >= 1, "user+nice grew by %llu ticks over 0.3 s of user time", user);
    // All the fields together cover the time that passed, on every CPU.
    unsigned long long total = 0;
    for (int i = 0; i < 8; i++) total += b.cpu[i] - a.cpu[i];
    double elapsed = (double)time(NULL) - now + 1; // (whole seconds: round up)
    CHECK(total >= 20 * (unsigned long long)a.cpus && total <= (elapsed + 1) * 100 * a.cpus,
          "the fields grew by %llu ticks in all over at least 0.35 s on %d CPUs", total, a.cpus);
    CHECK(b.ctxt > a.ctxt && b.intr > a.intr && b.processes > a.processes,
          "ctxt %llu -> %llu, intr %llu -> %llu, processes %llu -> %llu", a.ctxt, b.ctxt, a.intr, b.intr, a.processes,
          b.processes);
    CHECK(b.btime == a.btime || b.btime == a.btime + 1 || b.btime + 1 == a.btime);
    puts("ok");
    return 0;
}
