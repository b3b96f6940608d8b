// Syscall numbers Linux does not have return ENOSYS; the process carries on.
#include "lvtest.h"
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    CHECK_ERR(syscall(999), ENOSYS);
    CHECK_ERR(syscall(100000), ENOSYS);
    CHECK_ERR(syscall(-1L), ENOSYS);
    CHECK_ERR(syscall(0x7fffffffL), ENOSYS);
    CHECK(getpid() > 0, "still alive and making syscalls");
    return 0;
}
