// Out of memory, the kernel kills the process with the largest footprint (SIGKILL,
// preferring a high /proc/PID/oom_score_adj) instead of failing page faults: a bystander
// that faults in a page afterwards keeps running, and fork works again afterwards.
// On the host the hog runs in a memory cgroup of 64 MiB (the same killer, scoped); in a
// guest without cgroups it fills the machine's memory.
// TIMEOUT: 240
// SYSCALLS: mmap, fork, wait4, write
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lvtest.h"

static char cgroup[128];

static int write_file(const char* path, const char* text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int read_int(const char* path) {
    char buf[32] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -99999;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 ? atoi(buf) : -99999;
}

// Into a memory cgroup when the host has them (the caller is root on the host): cgroup
// v2's memory.max, or v1's memory.limit_in_bytes.
static int enter_cgroup(pid_t pid) {
    char path[192], text[32];
    const char *limit, *swap;
    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
        snprintf(cgroup, sizeof cgroup, "/sys/fs/cgroup/lvtest-oom-%d", (int)pid);
        limit = "memory.max", swap = "memory.swap.max";
    } else if (access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) == 0) {
        snprintf(cgroup, sizeof cgroup, "/sys/fs/cgroup/memory/lvtest-oom-%d", (int)pid);
        limit = "memory.limit_in_bytes", swap = "memory.memsw.limit_in_bytes";
    } else {
        return 0;
    }
    if (mkdir(cgroup, 0755) != 0) return 0;
    snprintf(path, sizeof path, "%s/%s", cgroup, limit);
    if (write_file(path, "67108864") != 0) return 0;
    snprintf(path, sizeof path, "%s/%s", cgroup, swap);
    write_file(path, swap[7] == 's' ? "0" : "67108864"); // v2: no swap; v1: memory+swap at the same limit
    snprintf(path, sizeof path, "%s/cgroup.procs", cgroup);
    snprintf(text, sizeof text, "%d", (int)pid);
    return write_file(path, text) == 0;
}

int main(void) {
    // oom_score_adj: read back, range-checked, inherited by fork. (Lowering it needs
    // CAP_SYS_RESOURCE, which a test host's root may lack: only raise it, in children.)
    int adj = read_int("/proc/self/oom_score_adj");
    CHECK(adj >= -1000 && adj <= 1000, "oom_score_adj %d", adj);
    CHECK(write_file("/proc/self/oom_score_adj", "2000") == -1 && errno == EINVAL);
    CHECK(write_file("/proc/self/oom_score_adj", "abc") == -1 && errno == EINVAL);
    int score = read_int("/proc/self/oom_score");
    CHECK(score >= 0 && score <= 2000, "oom_score %d", score);
    pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
        if (write_file("/proc/self/oom_score_adj", "500\n") != 0 || read_int("/proc/self/oom_score_adj") != 500) _exit(1);
        pid_t gc = fork();
        if (gc == 0) _exit(read_int("/proc/self/oom_score_adj") == 500 ? 0 : 1);
        int s;
        _exit(waitpid(gc, &s, 0) == gc && WIFEXITED(s) && WEXITSTATUS(s) == 0 ? 0 : 2);
    }
    int st;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "oom_score_adj child %#x", st);

    pid_t hog = fork();
    CHECK(hog >= 0);
    if (hog == 0) {
        int in_cgroup = enter_cgroup(getpid());
        if (!in_cgroup) {
            struct sysinfo si;
            if (sysinfo(&si) != 0 || (unsigned long long)si.totalram * si.mem_unit > (8ull << 30)) {
                fprintf(stderr, "no memory cgroup and too much RAM to fill\n");
                _exit(3);
            }
        }
        if (write_file("/proc/self/oom_score_adj", "1000") != 0) _exit(4);
        if (read_int("/proc/self/oom_score_adj") != 1000) _exit(5);
        // Touch anonymous memory until the killer ends us.
        for (;;) {
            size_t len = 16 << 20;
            char* m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (m == MAP_FAILED) continue; // the address space is not what runs out
            for (size_t off = 0; off < len; off += 4096) m[off] = 1;
        }
    }
    CHECK(waitpid(hog, &st, 0) == hog);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "hog status %#x", st);
    snprintf(cgroup, sizeof cgroup, "/sys/fs/cgroup/lvtest-oom-%d", (int)hog);
    rmdir(cgroup);
    snprintf(cgroup, sizeof cgroup, "/sys/fs/cgroup/memory/lvtest-oom-%d", (int)hog);
    rmdir(cgroup);
    // We are still here, and processes can be made again.
    char* page = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    memset(page, 1, 1 << 20);
    c = fork();
    CHECK(c >= 0);
    if (c == 0) _exit(page[4096] == 1 ? 0 : 1);
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    puts("ok");
    return 0;
}
