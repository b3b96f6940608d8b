// /proc/filesystems in Linux's format ("nodev<TAB>name" for a type that needs no device,
// "<TAB>name" for one on a block device), naming the types mount(2) takes: proc, sysfs,
// tmpfs, ramfs and devtmpfs without a device, ext2 on one; and each of those mounts.
// SYSCALLS: mount, umount2
#include "lvtest.h"
#include <sys/mount.h>
#include <sys/stat.h>

static char g_text[8192];

// 1 for "nodev", 2 for a block type, 0 when absent.
static int kind_of(const char* name) {
    for (char* line = g_text; *line;) {
        char* end = strchr(line, '\n');
        CHECK(end, "a line without its newline");
        *end = 0;
        char* tab = strchr(line, '\t');
        CHECK(tab, "no tab in \"%s\"", line);
        CHECK(tab == line || (tab - line == 5 && !strncmp(line, "nodev", 5)), "bad line \"%s\"", line);
        int kind = tab == line ? 2 : 1;
        int match = !strcmp(tab + 1, name);
        *end = '\n';
        if (match) return kind;
        line = end + 1;
    }
    return 0;
}

int main(void) {
    int fd = CHECK_OK(open("/proc/filesystems", O_RDONLY));
    size_t len = 0;
    ssize_t n;
    while ((n = read(fd, g_text + len, sizeof g_text - 1 - len)) > 0) len += (size_t)n;
    CHECK(n == 0);
    close(fd);
    g_text[len] = 0;
    CHECK(len > 0 && g_text[len - 1] == '\n');
    const char* nodev[] = {"proc", "sysfs", "tmpfs", "ramfs", "devtmpfs"};
    for (size_t i = 0; i < sizeof nodev / sizeof *nodev; i++)
        CHECK(kind_of(nodev[i]) == 1, "%s is not listed as nodev", nodev[i]);
    CHECK(kind_of("ext2") == 2, "ext2 is not listed as a block filesystem");

    // The memory types mount (as root).
    char dir[] = "/tmp/procfsXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char* mountable[] = {"proc", "sysfs", "tmpfs", "ramfs"};
    for (size_t i = 0; i < sizeof mountable / sizeof *mountable; i++) {
        CHECK(mount("none", dir, mountable[i], 0, NULL) == 0, "mount -t %s: %s", mountable[i], strerror(errno));
        CHECK_OK(umount2(dir, 0));
    }
    CHECK_OK(rmdir(dir));
    puts("proc filesystems ok");
    return 0;
}
