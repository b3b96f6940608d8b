// The exit status reaches the parent (here: the runner) intact, via exit_group.
// SYSCALLS: exit_group
// EXPECT: exit=42
#include <stdlib.h>

int main(void) { exit(42); }
