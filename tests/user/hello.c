// The smallest program: one write to stdout, then exit 0.
// SYSCALLS: write, exit_group
// EXPECT-STDOUT: hello, world
#include <string.h>
#include <unistd.h>

int main(void) {
    const char msg[] = "hello, world\n";
    return write(1, msg, strlen(msg)) == (ssize_t)strlen(msg) ? 0 : 1;
}
