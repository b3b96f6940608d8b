// chroot(2): absolute paths, symlinks and ".." stay inside the new root; the working
// directory is not changed by it (the classic fchdir escape still works, as in Linux).
// Needs root (skipped otherwise).
// SYSCALLS: chroot, chdir, fchdir, getcwd
#include "lvtest.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    if (getuid() != 0) return 0;
    char dir[] = "/tmp/fschrXXXXXX";
    CHECK(mkdtemp(dir));
    CHECK_OK(chdir(dir));
    CHECK_OK(mkdir("jail", 0755));
    CHECK_OK(mkdir("jail/sub", 0755));
    int fd = CHECK_OK(open("jail/inside", O_WRONLY | O_CREAT, 0644));
    CHECK_OK(close(fd));
    CHECK_OK(symlink("/inside", "jail/abs_link"));
    int outside = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));

    CHECK_ERR(chroot("jail/inside"), ENOTDIR);
    CHECK_ERR(chroot("nope"), ENOENT);
    CHECK_OK(chroot("jail"));
    CHECK_OK(chdir("/"));
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0, "%s", cwd);
    CHECK_OK(access("/inside", F_OK));
    CHECK_OK(access("/../../inside", F_OK)); // ".." at the root stays there
    CHECK_OK(access("/abs_link", F_OK));     // absolute symlinks resolve inside
    CHECK_OK(chdir("/sub"));
    CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/sub") == 0, "%s", cwd);
    CHECK_OK(access("../inside", F_OK));
    CHECK_ERR(access("/jail", F_OK), ENOENT);

    // Leave through the descriptor opened outside, and clean up.
    CHECK_OK(fchdir(outside));
    CHECK_OK(unlink("jail/abs_link"));
    CHECK_OK(unlink("jail/inside"));
    CHECK_OK(rmdir("jail/sub"));
    CHECK_OK(rmdir("jail"));
    CHECK_OK(close(outside));
    CHECK_OK(chdir(".."));
    char* base = strrchr(dir, '/') + 1;
    CHECK_OK(rmdir(base));
    return 0;
}
