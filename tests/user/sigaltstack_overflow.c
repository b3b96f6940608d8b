// A signal frame that does not fit on the alternate signal stack is not written below
// it: the process gets SIGSEGV instead (Linux's get_sigframe), and the memory under the
// stack is left as it was. Here a handler running on the alternate stack uses all but
// 512 bytes of it (less than any signal frame), then a second signal arrives for a
// handler that also runs there.
// HOST-QEMU-SKIP: qemu-aarch64 (7.2) writes a signal frame below an alternate stack it does not fit on
// SYSCALLS: sigaltstack, rt_sigaction, kill, wait4
#include "lvtest.h"
#include <signal.h>
#include <stdint.h>
#include <alloca.h>
#include <sys/mman.h>
#include <sys/wait.h>

enum { kGuard = 16384, kStack = 65536 };
static uint8_t* region; // [guard][alternate stack], shared with the parent

static void inner(int sig) { (void)sig; }

static void outer(int sig) {
    (void)sig;
    uint8_t* sp = __builtin_frame_address(0);
    uint8_t* base = region + kGuard;
    if (sp <= base + 4096 || sp > base + kStack) _exit(3); // not on the alternate stack
    size_t use = (size_t)(sp - base) - 768; // leaves kill() its own few hundred bytes
    volatile uint8_t* pad = alloca(use);
    for (size_t i = 0; i < use; i += 64) pad[i] = 1;
    kill(getpid(), SIGUSR2); // its frame would go below the alternate stack
    pad[0] = 2;
}

int main(void) {
    region = mmap(NULL, kGuard + kStack, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(region != MAP_FAILED);
    memset(region, 0x5a, kGuard);
    pid_t c = CHECK_OK(fork());
    if (c == 0) {
        stack_t ss = {.ss_sp = region + kGuard, .ss_size = kStack, .ss_flags = 0};
        CHECK_OK(sigaltstack(&ss, NULL));
        struct sigaction sa = {0};
        sa.sa_flags = SA_ONSTACK | SA_NODEFER;
        sa.sa_handler = inner;
        CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
        sa.sa_handler = outer;
        CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
        kill(getpid(), SIGUSR1);
        _exit(0); // not reached: the second frame cannot be made
    }
    int st;
    CHECK_OK(waitpid(c, &st, 0));
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %#x: expected death by SIGSEGV", st);
    for (int i = 0; i < kGuard; i++)
        CHECK(region[i] == 0x5a, "byte %d below the alternate stack was overwritten", kGuard - i);
    puts("ok");
    return 0;
}
