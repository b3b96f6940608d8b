// A signal with the default action "terminate" ends the process; the status says which.
// SYSCALLS: kill, getpid
// EXPECT: signal=15
#include <signal.h>
#include <unistd.h>

int main(void) {
    kill(getpid(), SIGTERM);
    for (;;) pause(); // SIGTERM may arrive on the way back from kill
}
