// Credentials are consistent: real and effective ids agree for an ordinary program.
// SYSCALLS: getuid, geteuid, getgid, getegid
#include "lvtest.h"
#include <unistd.h>

int main(void) {
    CHECK(getuid() == geteuid());
    CHECK(getgid() == getegid());
    CHECK((int)getuid() >= 0 && (int)getgid() >= 0);
    return 0;
}
