// CPU affinity: sched_setaffinity moves the caller to the CPU it names (sched_getcpu
// says so right after), getaffinity reports the mask back, /proc/self/stat's
// processor field agrees, a mask without an online CPU is EINVAL; and the count of
// online CPUs agrees between sysconf, /proc/stat's cpuN lines and /proc/cpuinfo.
// SYSCALLS: sched_setaffinity, sched_getaffinity, getcpu
// HOST-QEMU-SKIP: qemu-aarch64 makes up /proc/self/stat, with processor always 0
#define _GNU_SOURCE
#include "lvtest.h"
#include <sched.h>

static int processor_in_stat(void) {
    char buf[1024];
    lv_read_file("/proc/self/stat", buf, sizeof buf);
    char* p = strrchr(buf, ')');
    CHECK(p);
    // Fields after the comm: state is field 3; processor is field 39.
    int field = 2;
    for (; *p && field < 39; p++)
        if (*p == ' ') field++;
    return atoi(p);
}

static int count_lines(const char* path, const char* prefix, int digit_after) {
    static char buf[65536];
    lv_read_file(path, buf, sizeof buf);
    int n = 0;
    size_t len = strlen(prefix);
    for (char* l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (!strncmp(l, prefix, len) && (!digit_after || (l[len] >= '0' && l[len] <= '9'))) n++;
    return n;
}

int main(void) {
    cpu_set_t all;
    CHECK_OK(sched_getaffinity(0, sizeof all, &all));
    int n = CPU_COUNT(&all);
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(online >= n && n >= 1, "online %ld, affinity %d", online, n);
    CHECK(count_lines("/proc/stat", "cpu", 1) == online, "/proc/stat has %d cpuN lines for %ld CPUs",
          count_lines("/proc/stat", "cpu", 1), online);
    CHECK(count_lines("/proc/cpuinfo", "processor", 0) == online);

    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &all)) continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        CHECK_OK(sched_setaffinity(0, sizeof one, &one));
        CHECK(sched_getcpu() == cpu, "on CPU %d after pinning to %d", sched_getcpu(), cpu);
        CHECK(processor_in_stat() == cpu, "/proc/self/stat says CPU %d, pinned to %d", processor_in_stat(), cpu);
        cpu_set_t back;
        CHECK_OK(sched_getaffinity(0, sizeof back, &back));
        CHECK(CPU_EQUAL(&back, &one));
        for (int i = 0; i < 1000; i++) CHECK(sched_getcpu() == cpu);
    }
    cpu_set_t none;
    CPU_ZERO(&none);
    CHECK_ERR(sched_setaffinity(0, sizeof none, &none), EINVAL);
    CHECK_OK(sched_setaffinity(0, sizeof all, &all));
    puts("ok");
    return 0;
}
