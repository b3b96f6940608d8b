// The raw exit syscall (not exit_group) of the only thread ends the process with its status.
// SYSCALLS: exit
// EXPECT: exit=7
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    syscall(SYS_exit, 7);
    return 1; // not reached
}
