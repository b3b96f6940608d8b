// mmap(2) of a file maps stored data only: a regular file on tmpfs maps (and is a
// private copy); files the kernel generates refuse, as on Linux. /proc's own entries
// give EIO (pde_mmap), a process's files, /proc/sys, /proc/mounts (a link to
// self/mounts there), /sys and directories give ENODEV; a write-only file gives EACCES
// first.
// SYSCALLS: mmap, openat, munmap
// HOST-QEMU-SKIP: qemu-aarch64 serves /proc/self/stat and cmdline itself (from memory it maps)
#define _GNU_SOURCE
#include "lvtest.h"
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void expect(const char* path, int err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
    errno = 0;
    void* p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(p == MAP_FAILED && errno == err, "mmap %s: %p, %s (want %s)", path, p, strerror(errno), strerror(err));
    close(fd);
}

int main(void) {
    expect("/proc/version", EIO);
    expect("/proc/meminfo", EIO);
    expect("/proc/uptime", EIO);
    expect("/proc/stat", EIO);
    expect("/proc/net/unix", EIO);
    expect("/proc/mounts", ENODEV);
    expect("/proc/self/status", ENODEV);
    expect("/proc/self/stat", ENODEV);
    expect("/proc/self/cmdline", ENODEV);
    expect("/proc/sys/fs/nr_open", ENODEV);
    expect("/sys/devices/system/cpu/online", ENODEV);
    expect("/proc", ENODEV);
    expect("/tmp", ENODEV);

    char path[] = "/tmp/mmap_file_kinds.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
    const char text[] = "stored bytes";
    CHECK(write(fd, text, sizeof text) == (ssize_t)sizeof text);
    char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED, "mmap tmpfs file: %s", strerror(errno));
    CHECK(memcmp(p, text, sizeof text) == 0, "mapped '%.12s'", p);
    p[0] = 'S'; // private: the file keeps its bytes
    char back[sizeof text];
    CHECK(pread(fd, back, sizeof back, 0) == (ssize_t)sizeof back);
    CHECK(memcmp(back, text, sizeof text) == 0, "file changed through a private mapping");
    CHECK_OK(munmap(p, 4096));
    close(fd);

    int wfd = open(path, O_WRONLY | O_CLOEXEC);
    CHECK(wfd >= 0);
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, wfd, 0) == MAP_FAILED && errno == EACCES,
          "write-only: %s", strerror(errno));
    close(wfd);
    CHECK_OK(unlink(path));
    return 0;
}
