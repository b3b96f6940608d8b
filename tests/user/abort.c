// abort() ends the process with SIGABRT.
// SYSCALLS: rt_sigprocmask, tgkill
// EXPECT: signal=6
#include <stdlib.h>

int main(void) { abort(); }
