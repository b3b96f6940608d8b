// /proc/self/smaps: a region's counts follow its pages. Private anonymous pages touched
// are Rss, Anonymous and Private_Dirty; after a fork they are shared copy-on-write
// (Shared_Dirty, Pss halved) until the child is gone; a file's pages read through a
// read-only shared mapping are private to it and not Anonymous; VmFlags names rd/wr/sh.
// SYSCALLS: mmap, munmap, fork
#define _GNU_SOURCE
#include "lvtest.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static char smaps[65536];

// The field `name` of the region starting at `addr`.
static long field(void* addr, const char* name) {
    lv_read_file("/proc/self/smaps", smaps, sizeof smaps);
    char start[32];
    snprintf(start, sizeof start, "%lx-", (unsigned long)addr);
    char* r = strstr(smaps, start);
    CHECK(r && (r == smaps || r[-1] == '\n'), "no region at %p", addr);
    char* f = strstr(r, name);
    CHECK(f, "no %s", name);
    return strtol(f + strlen(name), NULL, 10);
}

static char* vmflags(void* addr) {
    field(addr, "Size:");
    char start[32];
    snprintf(start, sizeof start, "%lx-", (unsigned long)addr);
    char* f = strstr(strstr(smaps, start), "VmFlags:");
    char* eol = strchr(f, '\n');
    *eol = 0;
    return f;
}

int main(void) {
    long kb = sysconf(_SC_PAGESIZE) / 1024, page = sysconf(_SC_PAGESIZE);
    char* m = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    for (int i = 0; i < 10; i++) m[i * page] = 1;
    CHECK(field(m, "Size:") == 16 * kb);
    CHECK(field(m, "Rss:") == 10 * kb, "Rss %ld", field(m, "Rss:"));
    CHECK(field(m, "Anonymous:") == 10 * kb);
    CHECK(field(m, "Private_Dirty:") == 10 * kb);
    CHECK(field(m, "Pss:") == 10 * kb);
    char* fl = vmflags(m);
    CHECK(strstr(fl, " rd") && strstr(fl, " wr") && !strstr(fl, " sh"), "'%s'", fl);

    int ready[2];
    CHECK_OK(pipe(ready));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char c = 'r';
        if (write(ready[1], &c, 1) != 1) _exit(1);
        pause();
        _exit(0);
    }
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    CHECK(field(m, "Shared_Dirty:") == 10 * kb, "after fork: Shared_Dirty %ld", field(m, "Shared_Dirty:"));
    CHECK(field(m, "Pss:") == 5 * kb, "after fork: Pss %ld", field(m, "Pss:"));
    kill(pid, SIGKILL);
    CHECK(waitpid(pid, NULL, 0) == pid);
    CHECK(field(m, "Private_Dirty:") == 10 * kb, "child gone: Private_Dirty %ld", field(m, "Private_Dirty:"));

    char path[] = "/tmp/proc_smaps.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    static char data[4 * 65536];
    memset(data, 'd', sizeof data);
    CHECK(write(fd, data, 4 * page) == 4 * page);
    char* f = mmap(NULL, 4 * page, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(f != MAP_FAILED);
    long sum = 0;
    for (int i = 0; i < 4; i++) sum += f[i * page];
    CHECK(sum == 4 * 'd');
    CHECK(field(f, "Rss:") == 4 * kb, "file Rss %ld", field(f, "Rss:"));
    CHECK(field(f, "Anonymous:") == 0);
    // Clean or dirty as the page cache has them (written: tmpfs keeps them dirty on Linux).
    long priv = field(f, "Private_Clean:") + field(f, "Private_Dirty:");
    CHECK(priv == 4 * kb && field(f, "Shared_Clean:") + field(f, "Shared_Dirty:") == 0, "file Private_* %ld", priv);
    fl = vmflags(f);
    CHECK(strstr(fl, " rd") && strstr(fl, " sh") && !strstr(fl, " wr"), "'%s'", fl);
    CHECK_OK(munmap(f, 4 * page));
    CHECK_OK(munmap(m, 16 * page));
    close(fd);
    unlink(path);
    return 0;
}
