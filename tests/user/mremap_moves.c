// mremap(2) with memory objects: growing a shared file mapping maps the file's next
// pages, a moved file mapping keeps showing the file; MREMAP_DONTUNMAP moves the pages of
// a private mapping and leaves the old range mapped and empty (zeros), and needs
// MREMAP_MAYMOVE and equal sizes (EINVAL).
// SYSCALLS: mremap, mmap, munmap
#define _GNU_SOURCE
#include "lvtest.h"
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    char path[] = "/tmp/mremap_moves.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_OK(ftruncate(fd, 4 * page));
    CHECK(pwrite(fd, "second", 7, page) == 7);
    CHECK(pwrite(fd, "fourth", 7, 3 * page) == 7);
    char* f = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(f != MAP_FAILED);
    char* g = mremap(f, page, 2 * page, MREMAP_MAYMOVE);
    CHECK(g != MAP_FAILED, "grow: %s", strerror(errno));
    CHECK(strcmp(g + page, "second") == 0, "the grown part: '%s'", g + page);
    // Moved to a place of our choosing: still the file.
    char* spot = mmap(NULL, 8 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(spot != MAP_FAILED);
    char* h = mremap(g, 2 * page, 4 * page, MREMAP_MAYMOVE | MREMAP_FIXED, spot + 4 * page);
    CHECK(h == spot + 4 * page, "fixed move: %p", h);
    CHECK(strcmp(h + 3 * page, "fourth") == 0 && strcmp(h + page, "second") == 0);
    strcpy(h, "through the move");
    char back[32];
    CHECK(pread(fd, back, 17, 0) == 17 && strcmp(back, "through the move") == 0);
    CHECK_OK(munmap(spot, 8 * page));

    // MREMAP_DONTUNMAP on private anonymous memory.
    char* a = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(a != MAP_FAILED);
    strcpy(a, "moving");
    strcpy(a + page, "along");
    char* b = mremap(a, 2 * page, 2 * page, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL); // glibc reads new_address
    CHECK(b != MAP_FAILED, "DONTUNMAP: %s", strerror(errno));
    CHECK(b != a && strcmp(b, "moving") == 0 && strcmp(b + page, "along") == 0);
    CHECK(a[0] == 0 && a[page] == 0, "the old range reads zeros");
    a[0] = 'x'; // and is still mapped, writable
    CHECK(mremap(b, 2 * page, 2 * page, MREMAP_DONTUNMAP, NULL) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(b, 2 * page, 4 * page, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL) == MAP_FAILED && errno == EINVAL);
    CHECK_OK(munmap(a, 2 * page));
    CHECK_OK(munmap(b, 2 * page));
    close(fd);
    unlink(path);
    return 0;
}
