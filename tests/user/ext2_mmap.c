// Shared mappings of files on ext2 (1 KiB blocks: four to a page, next to metadata in
// the buffer cache): writes through a mapping reach read(2) at once and the disk by
// msync(MS_SYNC), fsync or unmount, also into a hole (the blocks are allocated when the
// page is first written); write(2) shows in the mapping; a private mapping's writes
// never reach the file; truncate makes the pages past the end SIGBUS. After a remount
// the data are what was written, and e2fsck finds the disk clean (the runner checks).
// A program mapped by exec cannot be opened for writing (ETXTBSY).
// DISK: ext2 32M 1024
// SYSCALLS: mount, umount2, mmap, msync, munmap, ftruncate, fsync
// HOST-QEMU-SKIP: qemu-aarch64 runs a program by reading its file: writing it is never ETXTBSY there
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char mnt[] = "/tmp/ext2mmXXXXXX";
static const char* disk;
static sigjmp_buf g_jump;
static void on_bus(int sig) { siglongjmp(g_jump, sig); }

static void remount(void) {
    CHECK_OK(chdir("/"));
    CHECK_OK(umount2(mnt, 0));
    CHECK_OK(mount(disk, mnt, "ext2", 0, NULL));
    CHECK_OK(chdir(mnt));
}

static unsigned char pattern(size_t i) { return (unsigned char)(i * 7 + (i >> 12)); }

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "--wait") == 0) { // the copy run below: until stdin ends
        char c;
        while (read(0, &c, 1) > 0) {}
        return 0;
    }
    long page = sysconf(_SC_PAGESIZE);
    disk = getenv("LV_DISK");
    CHECK(disk, "LV_DISK is not set (the runner's DISK directive)");
    CHECK(mkdtemp(mnt));
    CHECK_OK(mount(disk, mnt, "ext2", 0, NULL));
    CHECK_OK(chdir(mnt));

    // A sparse file written through a shared mapping.
    size_t len = 64 * page;
    int fd = CHECK_OK(open("data", O_RDWR | O_CREAT, 0644));
    CHECK_OK(ftruncate(fd, len));
    unsigned char* m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
    for (size_t i = 0; i < len; i += 3) m[i] = pattern(i);
    unsigned char buf[64];
    CHECK(pread(fd, buf, sizeof buf, 30 * page) == (ssize_t)sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++)
        CHECK(buf[i] == ((30 * page + i) % 3 ? 0 : pattern(30 * page + i)), "read(2) byte %zu", i);
    CHECK_OK(msync(m, len, MS_SYNC));
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(st.st_blocks >= (blkcnt_t)(len / 512), "blocks allocated: %ld", (long)st.st_blocks);
    // write(2) shows in the mapping; written again after msync, it must be saved again.
    CHECK(pwrite(fd, "written", 7, 5 * page + 1) == 7);
    CHECK(memcmp(m + 5 * page + 1, "written", 7) == 0);
    memcpy(m + 9 * page, "after msync", 11);
    CHECK_OK(munmap(m, len));
    CHECK_OK(close(fd));

    // A private mapping writes nothing back.
    fd = CHECK_OK(open("data", O_RDONLY));
    unsigned char* p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK(p[3] == pattern(3));
    p[3] = (unsigned char)~pattern(3);
    CHECK_OK(munmap(p, page));
    CHECK_OK(close(fd));

    remount();
    fd = CHECK_OK(open("data", O_RDWR));
    static unsigned char all[64 * 4096 * 4];
    CHECK((size_t)len <= sizeof all);
    CHECK(pread(fd, all, len, 0) == (ssize_t)len);
    for (size_t i = 0; i < len; i++) {
        unsigned char want = i % 3 ? 0 : pattern(i);
        if (i >= 5 * (size_t)page + 1 && i < 5 * (size_t)page + 8) want = (unsigned char)"written"[i - 5 * page - 1];
        if (i >= 9 * (size_t)page && i < 9 * (size_t)page + 11) want = (unsigned char)"after msync"[i - 9 * page];
        CHECK(all[i] == want, "after remount, byte %zu: %u want %u", i, all[i], want);
    }

    // Truncate: the pages past the new end are SIGBUS, the data before stay.
    m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    CHECK(m[12 * page] == pattern(12 * page));
    CHECK_OK(ftruncate(fd, 10 * page + 10));
    signal(SIGBUS, on_bus);
    volatile int sig = sigsetjmp(g_jump, 1);
    if (sig == 0) {
        (void)*(volatile unsigned char*)(m + 12 * page);
        CHECK(0, "no SIGBUS past the end");
    }
    CHECK(sig == SIGBUS);
    CHECK(m[10 * page + 10] == 0 && m[10 * page + 9] == all[10 * page + 9], "the last page's tail");
    CHECK_OK(fsync(fd));
    CHECK_OK(munmap(m, len));
    CHECK_OK(close(fd));

    // A running program's file cannot be written.
    int out = CHECK_OK(open("prog", O_WRONLY | O_CREAT, 0755));
    int self = CHECK_OK(open("/proc/self/exe", O_RDONLY));
    ssize_t n;
    while ((n = read(self, all, sizeof all)) > 0) CHECK(write(out, all, n) == n);
    CHECK_OK(close(self));
    CHECK_OK(close(out));
    int pipefd[2];
    CHECK_OK(pipe(pipefd));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(pipefd[1]);
        dup2(pipefd[0], 0);
        char* argv[] = {"prog", "--wait", NULL};
        execv("./prog", argv);
        _exit(127);
    }
    close(pipefd[0]);
    for (int tries = 0;; tries++) { // until the child runs the new image
        int w = open("prog", O_WRONLY);
        if (w < 0) {
            CHECK(errno == ETXTBSY, "open for writing: %s", strerror(errno));
            break;
        }
        close(w);
        CHECK(tries < 2000, "never ETXTBSY");
        usleep(1000);
    }
    CHECK_ERR(truncate("prog", 0), ETXTBSY);
    close(pipefd[1]); // the child's read sees EOF and it exits
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %#x", status);
    CHECK_OK(truncate("prog", 0)); // free again

    CHECK_OK(chdir("/"));
    CHECK_OK(umount2(mnt, 0));
    CHECK_OK(rmdir(mnt));
    return 0;
}
