// Running /proc/self/exe runs the program again (busybox does this for `time`), and the
// new image's /proc/self/exe still names the program, not the magic link.
// SYSCALLS: execve, readlinkat
// HOST-QEMU-SKIP: qemu-aarch64 cannot execve an arm64 binary (no binfmt registration)
#include "lvtest.h"
#include <unistd.h>

int main(int argc, char** argv) {
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    CHECK(n > 0);
    self[n] = 0;
    CHECK(self[0] == '/', "not absolute: %s", self);
    CHECK(strstr(self, "/proc/") == NULL, "names the magic link: %s", self);
    if (argc == 3) {
        CHECK(strcmp(argv[2], self) == 0, "was %s, now %s", argv[2], self);
        puts("again ok");
        return 0;
    }
    char* args[] = {argv[0], "again", self, NULL};
    execv("/proc/self/exe", args);
    LV_FAIL("execv /proc/self/exe: %s", strerror(errno));
}
