// Adjacent private anonymous regions that differ only in place are one region, as Linux's
// vma_merge makes them: growing a mapping in place with mremap and then remapping the
// whole of it works (it gave EFAULT when the grown part stayed a region of its own);
// undoing an mprotect of a middle page leaves one line in /proc/self/maps; neighbours
// with another protection stay apart.
// SYSCALLS: mremap, mprotect, mmap
#define _GNU_SOURCE
#include "lvtest.h"
#include <stdint.h>
#include <sys/mman.h>

static const long P = 4096;

// Lines of /proc/self/maps that overlap [a, a + len).
static int maps_lines(char* a, long len) {
    static char buf[65536];
    lv_read_file("/proc/self/maps", buf, sizeof buf);
    int n = 0;
    for (char* line = buf; *line;) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < (unsigned long)(a + len) && hi > (unsigned long)a) n++;
        char* nl = strchr(line, '\n');
        if (!nl) break;
        line = nl + 1;
    }
    return n;
}

int main(void) {
    // Room for 4 pages, of which the first is mapped.
    char* a = mmap(NULL, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    CHECK(munmap(a + P, 3 * P) == 0);
    a[0] = 1;
    // Grow in place twice, then move the whole of it.
    CHECK(mremap(a, P, 2 * P, 0) == a);
    a[P] = 2;
    CHECK(mremap(a, 2 * P, 3 * P, 0) == a);
    a[2 * P] = 3;
    CHECK(maps_lines(a, 3 * P) == 1, "%d regions after growing in place", maps_lines(a, 3 * P));
    char* b = mremap(a, 3 * P, 64 * P, MREMAP_MAYMOVE);
    CHECK(b != MAP_FAILED, "mremap of the grown region: %s", strerror(errno));
    CHECK(b[0] == 1 && b[P] == 2 && b[2 * P] == 3);

    // mprotect a middle page and back: three regions, then one.
    CHECK(mprotect(b + P, P, PROT_READ) == 0);
    CHECK(maps_lines(b, 64 * P) == 3);
    CHECK(mprotect(b + P, P, PROT_READ | PROT_WRITE) == 0);
    CHECK(maps_lines(b, 64 * P) == 1, "%d regions after undoing the mprotect", maps_lines(b, 64 * P));
    char* c = mremap(b, 64 * P, 65 * P, MREMAP_MAYMOVE);
    CHECK(c != MAP_FAILED);
    CHECK(c[P] == 2);
    // A neighbour with another protection stays apart.
    char* d = mmap(c + 65 * P, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (d != MAP_FAILED) {
        CHECK(maps_lines(c, 66 * P) == 2);
        munmap(d, P);
    }
    CHECK(munmap(c, 65 * P) == 0);
    return 0;
}
