// uname reports the machine as the architecture name that `uname -m` prints.
// SYSCALLS: uname
#include "lvtest.h"
#include <sys/utsname.h>

int main(void) {
    struct utsname u;
    memset(&u, 0x7f, sizeof u);
    CHECK_OK(uname(&u));
#if defined(__x86_64__)
    CHECK(strcmp(u.machine, "x86_64") == 0, "machine is %s", u.machine);
#else
    CHECK(strcmp(u.machine, "aarch64") == 0, "machine is %s", u.machine);
#endif
    // Every field is a NUL-terminated string within its 65 bytes.
    const char* fields[] = {u.sysname, u.nodename, u.release, u.version, u.machine};
    for (int i = 0; i < 5; i++) CHECK(memchr(fields[i], 0, 65) != NULL, "field %d not terminated", i);
    CHECK(u.sysname[0] && u.release[0], "empty sysname or release");
    // glibc refuses to run on kernels older than it was built for; the release must parse.
    int major = 0, minor = 0;
    CHECK(sscanf(u.release, "%d.%d", &major, &minor) == 2, "release %s", u.release);
    CHECK(major >= 3, "release %s", u.release);
    return 0;
}
