// execve of a "#!" script runs its interpreter with: interpreter, the optional
// argument, the script's path, then the script's own arguments.
// SYSCALLS: execve
// HOST-QEMU-SKIP: qemu-aarch64 cannot execve an arm64 binary (no binfmt registration)
#include "lvtest.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc == 5 && strcmp(argv[1], "one-arg") == 0) {
        CHECK(strncmp(argv[2], "/tmp/lv-script-", 15) == 0, "argv[2] %s", argv[2]);
        CHECK(strcmp(argv[3], "a") == 0 && strcmp(argv[4], "b") == 0);
        unlink(argv[2]);
        puts("script ok");
        return 0;
    }
    // Per process: on the host, other runs of this test may be writing theirs (ETXTBSY).
    char script[64];
    snprintf(script, sizeof script, "/tmp/lv-script-%d", getpid());
    int fd = CHECK_OK(open(script, O_CREAT | O_WRONLY | O_TRUNC, 0755));
    dprintf(fd, "#!%s one-arg\nthis line is never read\n", argv[0]);
    close(fd);
    char* args[] = {"script-name-is-replaced", "a", "b", NULL};
    char* env[] = {NULL};
    execve(script, args, env);
    LV_FAIL("execve of a script failed: %s", strerror(errno));
}
