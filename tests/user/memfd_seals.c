// memfd_create(2): an anonymous file that maps shared like any file, named
// "/memfd:NAME (deleted)" in /proc/self/fd; and its seals (fcntl F_ADD_SEALS,
// F_GET_SEALS): SHRINK, GROW, WRITE (refused while a shared writable mapping exists),
// FUTURE_WRITE, SEAL; without MFD_ALLOW_SEALING it starts sealed with F_SEAL_SEAL.
// SYSCALLS: memfd_create, fcntl, ftruncate, mmap, munmap, pwrite64, fallocate
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int memfd(const char* name, unsigned flags) { return (int)syscall(SYS_memfd_create, name, flags); }

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    int fd = memfd("lvtest", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    CHECK(fd >= 0, "memfd_create: %s", strerror(errno));
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISREG(st.st_mode) && st.st_size == 0 && st.st_nlink == 0, "mode %o size %ld", st.st_mode, (long)st.st_size);
    char link[64], target[128];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = 0;
    CHECK(strcmp(target, "/memfd:lvtest (deleted)") == 0, "fd link '%s'", target);

    CHECK_OK(ftruncate(fd, 2 * page));
    char* m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
    strcpy(m + page, "shared");
    char buf[8] = {0};
    CHECK(pread(fd, buf, 6, page) == 6 && strcmp(buf, "shared") == 0, "read back '%s'", buf);

    CHECK(fcntl(fd, F_GET_SEALS) == 0, "initial seals %d", fcntl(fd, F_GET_SEALS));
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY); // the writable mapping
    CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
    CHECK_ERR(ftruncate(fd, page), EPERM);
    CHECK_ERR(ftruncate(fd, 3 * page), EPERM);
    CHECK_ERR(pwrite(fd, "x", 1, 2 * page), EPERM); // would grow
    CHECK(pwrite(fd, "x", 1, 0) == 1);
    CHECK_ERR(fallocate(fd, 0, 0, 3 * page), EPERM);
    CHECK_OK(munmap(m, 2 * page));
    CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE));
    CHECK_ERR(pwrite(fd, "x", 1, 0), EPERM);
    CHECK_ERR(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, page), EPERM);
    CHECK(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM);
    char* r = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(r != MAP_FAILED);
    CHECK_ERR(mprotect(r, page, PROT_READ | PROT_WRITE), EACCES);
    CHECK(r[0] == 'x');
    CHECK_OK(munmap(r, page));
    char* p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0); // private: allowed
    CHECK(p != MAP_FAILED);
    p[0] = 'y';
    CHECK(pread(fd, buf, 1, 0) == 1 && buf[0] == 'x');
    CHECK_OK(munmap(p, page));
    CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), EPERM);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, 0x100), EINVAL); // unknown bits come first
    close(fd);

    // Without MFD_ALLOW_SEALING: F_SEAL_SEAL from the start.
    fd = memfd("plain", 0);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL);
    CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    close(fd);

    // Errors: unknown flags, a name too long, seals on a file that is not a memfd.
    CHECK_ERR(memfd("x", 0x1000), EINVAL);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK_ERR(memfd(longname, 0), EINVAL);
    fd = memfd("future", MFD_ALLOW_SEALING);
    CHECK_OK(ftruncate(fd, page));
    CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
    CHECK_ERR(pwrite(fd, "z", 1, 0), EPERM);
    CHECK(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM);
    close(fd);
    CHECK_ERR(fcntl(1, F_GET_SEALS), EINVAL);
    return 0;
}
