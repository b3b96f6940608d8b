// MAP_SHARED|MAP_ANONYMOUS memory is one object shared with every child a fork makes,
// pages touched before the fork or after it, in both directions; /proc/self/maps shows
// it as Linux's shmem file ("/dev/zero (deleted)"). MADV_DONTNEED keeps its data,
// MADV_REMOVE frees them for every sharer, and mremap with old_size 0 maps it a second
// time.
// SYSCALLS: mmap, fork, wait4, madvise, mremap, munmap
// HOST-QEMU-SKIP: qemu-aarch64 does not implement mremap with old_size 0 (ENOMEM)
#define _GNU_SOURCE
#include "lvtest.h"
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_ok(pid_t pid) {
    int status;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    size_t len = 4 * page;
    char* m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
    strcpy(m, "before fork"); // page 0 present at the fork; pages 1-3 not yet

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        if (strcmp(m, "before fork") != 0) _exit(2);
        strcpy(m, "child page 0");
        strcpy(m + page, "child page 1");  // first touched in the child
        while (m[2 * page] == 0) usleep(1000); // the parent writes page 2 after the fork
        if (strcmp(m + 2 * page, "parent page 2") != 0) _exit(3);
        _exit(0);
    }
    strcpy(m + 2 * page, "parent page 2");
    wait_ok(pid);
    CHECK(strcmp(m, "child page 0") == 0, "page 0: '%s'", m);
    CHECK(strcmp(m + page, "child page 1") == 0, "page 1 (first touched by the child): '%s'", m + page);

    char maps[16384];
    lv_read_file("/proc/self/maps", maps, sizeof maps);
    char want[64];
    snprintf(want, sizeof want, "%lx-%lx rw-s 00000000 ", (unsigned long)m, (unsigned long)m + len);
    char* line = strstr(maps, want);
    CHECK(line, "no line '%s' in\n%s", want, maps);
    char* eol = strchr(line, '\n');
    if (eol) *eol = 0;
    CHECK(strstr(line, "/dev/zero (deleted)"), "line '%s'", line);

    // DONTNEED drops this process's mapping only; the data stay in the object.
    CHECK_OK(madvise(m, len, MADV_DONTNEED));
    CHECK(strcmp(m + page, "child page 1") == 0, "after MADV_DONTNEED: '%s'", m + page);

    // A second mapping of the same memory.
    char* d = mremap(m, 0, len, MREMAP_MAYMOVE);
    CHECK(d != MAP_FAILED, "mremap duplicate: %s", strerror(errno));
    CHECK(d != m);
    CHECK(strcmp(d + page, "child page 1") == 0, "duplicate shows '%s'", d + page);
    strcpy(d + 3 * page, "through the duplicate");
    CHECK(strcmp(m + 3 * page, "through the duplicate") == 0);
    // Private memory cannot be duplicated.
    char* priv = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(priv != MAP_FAILED);
    CHECK(mremap(priv, 0, page, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL, "private duplicate");

    // MADV_REMOVE frees the pages for every sharer: a child mapping it sees zeros.
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        while (m[0] != 0) usleep(1000);
        _exit(m[page] == 0 && d[page] == 0 ? 0 : 4);
    }
    CHECK_OK(madvise(m, 2 * page, MADV_REMOVE));
    CHECK(m[0] == 0 && d[page] == 0, "after MADV_REMOVE");
    CHECK(strcmp(m + 3 * page, "through the duplicate") == 0, "MADV_REMOVE went too far");
    wait_ok(pid);
    CHECK_ERR(madvise(priv, page, MADV_REMOVE), EINVAL); // no backing file
    CHECK_OK(munmap(d, len));
    CHECK_OK(munmap(m, len));
    CHECK_OK(munmap(priv, page));
    return 0;
}
