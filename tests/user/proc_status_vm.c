// /proc/self/status's memory lines follow what the process maps and touches: VmSize
// grows with a mapping, VmRSS and RssAnon with private pages touched, RssShmem with
// shared anonymous pages, RssFile with a file's pages read through a mapping; VmData
// counts private writable memory. /proc/self/statm agrees with them (size, resident,
// shared, and text: the program's code). /proc/meminfo's Cached includes Shmem.
// SYSCALLS: mmap, munmap
// HOST-QEMU-SKIP: under qemu-aarch64 /proc/self/status is the emulator's own (its allocations move VmSize)
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long field(const char* path, const char* name) {
    static char text[8192];
    lv_read_file(path, text, sizeof text);
    char* p = strstr(text, name);
    CHECK(p, "no %s in %s:\n%s", name, path, text);
    return strtol(p + strlen(name), NULL, 10);
}
static long status(const char* name) { return field("/proc/self/status", name); }

int main(void) {
    long page = sysconf(_SC_PAGESIZE), kb = page / 1024;
    long size0 = status("VmSize:"), data0 = status("VmData:");
    long rss0 = status("VmRSS:"), anon0 = status("RssAnon:");
    size_t len = 8 << 20;
    char* m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK(status("VmSize:") - size0 == 8192, "VmSize grew by %ld kB", status("VmSize:") - size0);
    CHECK(status("VmData:") - data0 == 8192, "VmData grew by %ld kB", status("VmData:") - data0);
    for (int i = 0; i < 200; i++) m[(size_t)i * page] = 1;
    long grew = status("RssAnon:") - anon0;
    CHECK(grew >= 200 * kb && grew < 260 * kb, "RssAnon grew by %ld kB", grew);
    CHECK(status("VmRSS:") - rss0 >= 200 * kb);

    long shmem0 = status("RssShmem:");
    char* s = mmap(NULL, 64 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(s != MAP_FAILED);
    for (int i = 0; i < 64; i++) s[(size_t)i * page] = 1;
    CHECK(status("RssShmem:") - shmem0 == 64 * kb, "RssShmem grew by %ld kB", status("RssShmem:") - shmem0);
    // System-wide: only a relation that holds whatever else runs.
    CHECK(field("/proc/meminfo", "Cached:") >= field("/proc/meminfo", "Shmem:"));

    char path[] = "/tmp/proc_status_vm.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    static char block[65536];
    memset(block, 7, sizeof block);
    for (int i = 0; i < 4; i++) CHECK(write(fd, block, sizeof block) == (ssize_t)sizeof block);
    long file0 = status("RssFile:");
    char* f = mmap(NULL, sizeof block * 4, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(f != MAP_FAILED);
    long sum = 0;
    for (size_t i = 0; i < sizeof block * 4; i += page) sum += f[i];
    CHECK(sum == 7 * (long)(sizeof block * 4 / page));
    long fg = status("RssFile:") - file0;
    CHECK(fg >= 64 * kb && fg < 64 * kb + 1024, "RssFile grew by %ld kB", fg);
    // The program's own code pages count as RssFile too: only the drop is exact.
    long before = status("RssFile:");
    CHECK_OK(munmap(f, sizeof block * 4));
    long drop = before - status("RssFile:");
    CHECK(drop <= 64 * kb && drop >= 64 * kb - 8 * kb, "RssFile dropped by %ld kB at munmap", drop);
    // statm, in pages, read between two status reads that agree.
    for (int tries = 0;; tries++) {
        long vsz = status("VmSize:"), rss = status("VmRSS:"), data = status("VmData:") + status("VmStk:");
        long shared = status("RssFile:") + status("RssShmem:");
        static char text[256];
        lv_read_file("/proc/self/statm", text, sizeof text);
        unsigned long sz, res, sh, tx, lib, dat, dt;
        CHECK(sscanf(text, "%lu %lu %lu %lu %lu %lu %lu", &sz, &res, &sh, &tx, &lib, &dat, &dt) == 7, "statm '%s'", text);
        if (vsz == status("VmSize:") && rss == status("VmRSS:")) {
            CHECK((long)sz * kb == vsz, "statm size %lu, VmSize %ld kB", sz, vsz);
            CHECK((long)res * kb == rss, "statm resident %lu, VmRSS %ld kB", res, rss);
            CHECK((long)sh * kb == shared, "statm shared %lu, RssFile+RssShmem %ld kB", sh, shared);
            CHECK((long)dat * kb == data, "statm data %lu, VmData+VmStk %ld kB", dat, data);
            CHECK(tx > 0 && tx < sz && lib == 0 && dt == 0, "statm text %lu lib %lu dt %lu", tx, lib, dt);
            break;
        }
        CHECK(tries < 10);
    }

    CHECK_OK(munmap(m, len));
    CHECK(status("VmSize:") - size0 == 64 * kb, "VmSize after munmap: +%ld kB", status("VmSize:") - size0);
    CHECK_OK(munmap(s, 64 * page));
    close(fd);
    unlink(path);
    return 0;
}
