// mincore(2) reports the pages in memory: touched private pages, and a file mapping's
// pages that the file's page cache holds (written, even if never touched here), not its
// holes; unmapped parts are ENOMEM, an unaligned start EINVAL. remap_file_pages(2) (as
// Linux emulates it) makes part of a shared file mapping show other pages of the file.
// SYSCALLS: mincore, remap_file_pages, mmap, munmap
// HOST-QEMU-SKIP: qemu-aarch64 does not implement remap_file_pages (ENOSYS)
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    unsigned char vec[16];
    char* m = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    m[0] = 1;
    m[3 * page + 7] = 1;
    CHECK_OK(mincore(m, 8 * page, vec));
    for (int i = 0; i < 8; i++) CHECK((vec[i] & 1) == (i == 0 || i == 3), "anonymous page %d: %d", i, vec[i]);
    CHECK_ERR(mincore(m + 1, page, vec), EINVAL);
    CHECK_OK(munmap(m + 4 * page, page));
    CHECK_ERR(mincore(m, 8 * page, vec), ENOMEM);
    CHECK_ERR(mincore(m, page, (unsigned char*)8), EFAULT);

    char path[] = "/tmp/mincore_remap.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    char text[32];
    for (int i = 0; i < 4; i++) {
        snprintf(text, sizeof text, "page %d", i);
        CHECK(pwrite(fd, text, strlen(text) + 1, (off_t)i * page) == (ssize_t)strlen(text) + 1);
    }
    CHECK_OK(ftruncate(fd, 8 * page)); // pages 4-7: a hole
    char* f = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(f != MAP_FAILED);
    CHECK_OK(mincore(f, 8 * page, vec));
    for (int i = 0; i < 8; i++) CHECK((vec[i] & 1) == (i < 4), "file page %d: %d", i, vec[i]);

    CHECK_OK(remap_file_pages(f, page, 0, 3, 0));
    CHECK(strcmp(f, "page 3") == 0, "after remap_file_pages: '%s'", f);
    CHECK(strcmp(f + page, "page 1") == 0);
    strcpy(f, "PAGE 3"); // still the file's page 3
    CHECK(pread(fd, text, 7, 3 * page) == 7 && strcmp(text, "PAGE 3") == 0, "page 3 of the file: '%s'", text);
    CHECK_ERR(remap_file_pages(f, page, PROT_READ, 1, 0), EINVAL);
    char* p = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK_ERR(remap_file_pages(p, page, 0, 1, 0), EINVAL); // not shared
    CHECK_OK(munmap(p, page));
    CHECK_OK(munmap(f, 8 * page));
    close(fd);
    unlink(path);
    return 0;
}
