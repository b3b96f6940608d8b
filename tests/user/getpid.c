// Process identity: pid > 0, the only thread's tid is the pid, the parent exists.
// SYSCALLS: getpid, gettid, getppid, set_tid_address
#include "lvtest.h"
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    pid_t pid = getpid();
    CHECK(pid > 0);
    CHECK(getpid() == pid);
    CHECK(syscall(SYS_gettid) == pid, "tid %ld, pid %d", syscall(SYS_gettid), pid);
    CHECK(getppid() >= 0);
    int word;
    CHECK(syscall(SYS_set_tid_address, &word) == pid, "set_tid_address returns the tid");
    return 0;
}
