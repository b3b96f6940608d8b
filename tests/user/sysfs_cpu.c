// /sys/devices/system/cpu: the CPU lists (online, possible, present, offline) in Linux's
// list format, kernel_max, one cpuN directory per present CPU with `online` reading 1,
// agreement with /proc/stat, sysconf and sched_getaffinity; sysfs refuses writes and
// new names as Linux does (run as root).
// SYSCALLS: openat, read, getdents64, statfs, mkdirat, unlinkat, sched_getaffinity
// TIMEOUT: 60
#define _GNU_SOURCE
#include "lvtest.h"
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define CPU_DIR "/sys/devices/system/cpu/"
#define MAX_CPUS 1024

static void read_text(const char* path, char* buf, size_t cap) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
    size_t len = 0;
    for (;;) {
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        CHECK(r >= 0, "read %s: %s", path, strerror(errno));
        if (r == 0) break;
        len += (size_t)r;
    }
    buf[len] = 0;
    close(fd);
    CHECK(len > 0 && buf[len - 1] == '\n', "%s: not one line: '%s'", path, buf);
}

// Parses a CPU list ("0-3,5\n", or "\n" for none) into set[]; returns how many.
static int parse_list(const char* path, char* set) {
    char buf[256];
    read_text(path, buf, sizeof buf);
    memset(set, 0, MAX_CPUS);
    int n = 0;
    const char* p = buf;
    while (*p != '\n') {
        char* end;
        long a = strtol(p, &end, 10);
        CHECK(end != p && a >= 0 && a < MAX_CPUS, "%s: bad list '%s'", path, buf);
        long b = a;
        if (*end == '-') {
            p = end + 1;
            b = strtol(p, &end, 10);
            CHECK(end != p && b > a && b < MAX_CPUS, "%s: bad range in '%s'", path, buf);
        }
        for (long i = a; i <= b; i++) {
            CHECK(!set[i], "%s: CPU %ld twice", path, i);
            set[i] = 1;
            n++;
        }
        CHECK(*end == ',' || *end == '\n', "%s: bad separator in '%s'", path, buf);
        p = *end == ',' ? end + 1 : end;
    }
    return n;
}

int main(void) {
    static char online[MAX_CPUS], possible[MAX_CPUS], present[MAX_CPUS], offline[MAX_CPUS];
    int n_online = parse_list(CPU_DIR "online", online);
    int n_possible = parse_list(CPU_DIR "possible", possible);
    int n_present = parse_list(CPU_DIR "present", present);
    int n_offline = parse_list(CPU_DIR "offline", offline);
    CHECK(n_online >= 1 && online[0], "cpu0 is online");
    for (int i = 0; i < MAX_CPUS; i++) {
        CHECK(!online[i] || present[i], "online CPU %d not present", i);
        CHECK(!present[i] || possible[i], "present CPU %d not possible", i);
        CHECK(!(online[i] && offline[i]), "CPU %d both online and offline", i);
    }
    CHECK(n_present <= n_possible && n_online + n_offline <= n_possible);

    char buf[64];
    read_text(CPU_DIR "kernel_max", buf, sizeof buf);
    CHECK(atoi(buf) >= n_possible - 1, "kernel_max %s below %d possible CPUs", buf, n_possible);

    // The same count everywhere: sysconf (glibc reads sysfs, musl asks for the
    // affinity), the process's affinity, /proc/stat's cpuN lines.
    CHECK(sysconf(_SC_NPROCESSORS_ONLN) == n_online, "sysconf says %ld, online %d", sysconf(_SC_NPROCESSORS_ONLN),
          n_online);
    cpu_set_t set;
    CHECK_OK(sched_getaffinity(0, sizeof set, &set));
    CHECK(CPU_COUNT(&set) == n_online, "affinity %d, online %d", CPU_COUNT(&set), n_online);
    FILE* f = fopen("/proc/stat", "r");
    CHECK(f != NULL);
    char line[512];
    int stat_cpus = 0;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "cpu", 3) && line[3] >= '0' && line[3] <= '9') {
            CHECK(online[atoi(line + 3)], "/proc/stat lists offline %.8s", line);
            stat_cpus++;
        }
    fclose(f);
    CHECK(stat_cpus == n_online, "/proc/stat has %d CPUs, online %d", stat_cpus, n_online);

    // One directory per present CPU, nothing else named cpuN.
    DIR* d = opendir(CPU_DIR);
    CHECK(d != NULL);
    int dirs = 0;
    struct dirent* e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "cpu", 3) || e->d_name[3] < '0' || e->d_name[3] > '9') continue;
        int n = atoi(e->d_name + 3);
        CHECK(n < MAX_CPUS && present[n], "directory %s for a CPU not present", e->d_name);
        CHECK(e->d_type == DT_DIR, "%s is not a directory", e->d_name);
        dirs++;
    }
    closedir(d);
    CHECK(dirs == n_present, "%d cpuN directories, %d present", dirs, n_present);
    for (int i = 1; i < MAX_CPUS; i++) {
        if (!online[i]) continue;
        char path[64];
        snprintf(path, sizeof path, CPU_DIR "cpu%d/online", i);
        read_text(path, buf, sizeof buf);
        CHECK(!strcmp(buf, "1\n"), "%s reads '%s'", path, buf);
    }
    struct stat st;
    CHECK(stat(CPU_DIR "cpu0", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK(stat(CPU_DIR "cpu", &st) == -1 && errno == ENOENT);
    CHECK(stat(CPU_DIR "cpu00", &st) == -1 && errno == ENOENT);
    CHECK(stat(CPU_DIR "online", &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0444,
          "online mode %o", st.st_mode);
    CHECK(st.st_size == 4096, "an attribute's size is a page, not %ld", (long)st.st_size);

    struct statfs sfs;
    CHECK_OK(statfs("/sys", &sfs));
    CHECK(sfs.f_type == 0x62656572, "f_type %lx", (long)sfs.f_type); // SYSFS_MAGIC

    // Read-only, even for root; no new names.
    CHECK(open(CPU_DIR "online", O_WRONLY) == -1 && errno == EACCES, "open for writing: %s", strerror(errno));
    CHECK(open("/sys/levitate-test", O_CREAT | O_WRONLY, 0644) == -1 && errno == EACCES, "create: %s", strerror(errno));
    CHECK(mkdir("/sys/levitate-test", 0755) == -1 && errno == EPERM, "mkdir: %s", strerror(errno));
    CHECK(unlink(CPU_DIR "online") == -1 && errno == EPERM, "unlink: %s", strerror(errno));
    CHECK(rename(CPU_DIR "online", CPU_DIR "x") == -1 && errno == EPERM, "rename: %s", strerror(errno));
    CHECK(symlink("x", "/sys/levitate-test") == -1 && errno == EPERM, "symlink: %s", strerror(errno));
    puts("ok");
    return 0;
}
