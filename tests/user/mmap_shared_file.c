// MAP_SHARED mappings of a file are the file: writes through a mapping are read back by
// read(2) and seen by another process mapping it, write(2) shows in every mapping, and
// the data stay after munmap. MAP_PRIVATE mappings see the file until they write a page,
// which then is theirs alone; MADV_DONTNEED gives the file's page back. Pages past the
// end of the file (after truncate) are SIGBUS with BUS_ADRERR. A shared writable mapping
// needs a file open for writing (EACCES), also later through mprotect. /proc/self/maps
// names the file with its offset, device and inode.
// SYSCALLS: mmap, munmap, mprotect, madvise, ftruncate, fork, wait4, pread64, pwrite64
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf g_jump;
static volatile int g_signo, g_code;
static void *volatile g_addr;

static void on_fault(int sig, siginfo_t* si, void* uc) {
    g_signo = sig;
    g_code = si->si_code;
    g_addr = si->si_addr;
    siglongjmp(g_jump, 1);
}

// The signal a read of *p raises (0: none).
static int touch(volatile char* p) {
    g_signo = 0;
    if (sigsetjmp(g_jump, 1) == 0) {
        (void)*p;
        return 0;
    }
    return g_signo;
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    char path[] = "/tmp/mmap_shared_file.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
    CHECK_OK(ftruncate(fd, 3 * page));
    CHECK(pwrite(fd, "from write", 10, 0) == 10);

    char* a = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(a != MAP_FAILED, "mmap shared: %s", strerror(errno));
    CHECK(memcmp(a, "from write", 10) == 0, "mapping shows '%.10s'", a);

    // Through the mapping into the file, and back.
    memcpy(a + page + 5, "from map", 8);
    char buf[16] = {0};
    CHECK(pread(fd, buf, 8, page + 5) == 8);
    CHECK(memcmp(buf, "from map", 8) == 0, "read(2) after a mapped write: '%.8s'", buf);
    CHECK(pwrite(fd, "again", 5, 2 * page) == 5);
    CHECK(memcmp(a + 2 * page, "again", 5) == 0, "mapping after write(2): '%.5s'", a + 2 * page);

    // A second mapping (another offset) and a child's writes.
    char* b = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);
    CHECK(b != MAP_FAILED);
    CHECK(memcmp(b + 5, "from map", 8) == 0, "second mapping: '%.8s'", b + 5);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        memcpy(b + 100, "child", 5);
        int cfd = open(path, O_RDWR);
        char* c = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        if (c == MAP_FAILED) _exit(2);
        memcpy(c + 50, "other map", 9);
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %#x", status);
    CHECK(memcmp(a + page + 100, "child", 5) == 0, "child's write through an inherited mapping not seen");
    CHECK(memcmp(a + 50, "other map", 9) == 0, "child's write through its own mapping not seen");

    // /proc/self/maps: offset, device, inode and path.
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    char want[256], maps[16384];
    snprintf(want, sizeof want, "%lx-%lx rw-s %08lx %02x:%02x %lu", (unsigned long)b, (unsigned long)b + page,
             (unsigned long)page, major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
    lv_read_file("/proc/self/maps", maps, sizeof maps);
    char* line = strstr(maps, want);
    CHECK(line, "no line '%s' in\n%s", want, maps);
    char* eol = strchr(line, '\n');
    if (eol) *eol = 0;
    CHECK(strstr(line, path), "line '%s' does not name %s", line, path);
    if (eol) *eol = '\n';

    // The data stay after munmap.
    CHECK_OK(munmap(b, page));
    CHECK_OK(munmap(a, 3 * page));
    CHECK(pread(fd, buf, 5, page + 100) == 5 && memcmp(buf, "child", 5) == 0);

    // Private: the file until written, then a copy; DONTNEED gives the file back.
    char* p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK(memcmp(p + 50, "other map", 9) == 0);
    CHECK(pwrite(fd, "updated", 7, page) == 7);
    CHECK(memcmp(p + page, "updated", 7) == 0, "private mapping of an unwritten page: '%.7s'", p + page);
    memcpy(p, "mine", 4);
    CHECK(pread(fd, buf, 4, 0) == 4 && memcmp(buf, "from", 4) == 0, "private write reached the file");
    CHECK(pwrite(fd, "FROM", 4, 0) == 4);
    CHECK(memcmp(p, "mine", 4) == 0, "a private copy changed with the file");
    CHECK_OK(madvise(p, page, MADV_DONTNEED));
    CHECK(memcmp(p, "FROM", 4) == 0, "after MADV_DONTNEED: '%.4s'", p);

    // Past the end of the file: SIGBUS (BUS_ADRERR) at the address.
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    CHECK_OK(sigaction(SIGBUS, &sa, NULL));
    CHECK_OK(sigaction(SIGSEGV, &sa, NULL));
    char* s = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(s != MAP_FAILED);
    s[2 * page] = 'x';
    CHECK_OK(ftruncate(fd, page + 1));
    CHECK(touch(s + page) == 0, "the page holding the end");
    CHECK(s[page + 1] == 0, "the tail past the end reads zeros: %d", s[page + 1]);
    CHECK(touch(s + 2 * page) == SIGBUS, "past the end: signal %d", g_signo);
    CHECK(g_code == BUS_ADRERR && g_addr == s + 2 * page, "si_code %d addr %p", g_code, g_addr);
    CHECK(touch(p + page) == 0, "private: the page holding the end");
    CHECK_OK(ftruncate(fd, 0));
    CHECK(touch(p) == SIGBUS, "private page past the end: signal %d", g_signo);
    CHECK_OK(munmap(s, 3 * page));
    CHECK_OK(munmap(p, 2 * page));

    // Write permission follows the open file.
    int ro = open(path, O_RDONLY);
    CHECK(ro >= 0);
    CHECK_ERR(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED ? -1 : 0, EACCES);
    char* r = mmap(NULL, page, PROT_READ, MAP_SHARED, ro, 0);
    CHECK(r != MAP_FAILED);
    CHECK_ERR(mprotect(r, page, PROT_READ | PROT_WRITE), EACCES);
    CHECK_OK(munmap(r, page));
    r = mmap(NULL, page, PROT_READ, MAP_PRIVATE, ro, 0); // private: may become writable
    CHECK(r != MAP_FAILED);
    CHECK_OK(mprotect(r, page, PROT_READ | PROT_WRITE));
    CHECK_OK(munmap(r, page));
    close(ro);
    close(fd);
    CHECK_OK(unlink(path));
    return 0;
}
