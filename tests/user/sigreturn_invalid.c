// rt_sigreturn checks the frame it is given as Linux's restore_sigframe does: a PSTATE
// that is not AArch64 EL0t with D, A, I and F clear, or an unknown record in
// __reserved, ends the process with SIGSEGV rather than being fixed up or trusted
// (the fuzzer's sigreturn on a garbage stack hung the guest). Changes a handler may
// make (the condition flags, the registers) are honoured.
// ARCH: aarch64
// HOST-QEMU-SKIP: qemu-user does not check PSTATE on sigreturn (Linux arm64 does: valid_user_regs)
// SYSCALLS: rt_sigreturn, rt_sigaction
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "lvtest.h"

static int mode;

static void handler(int sig, siginfo_t* si, void* ctx) {
    (void)sig, (void)si;
    ucontext_t* uc = ctx;
    mcontext_t* mc = &uc->uc_mcontext;
    uint32_t* rec = (uint32_t*)mc->__reserved;
    switch (mode) {
    case 1: mc->pstate |= 0x80; break;               // I: interrupts masked
    case 2: mc->pstate |= 0x5; break;                // EL1h
    case 3: mc->pstate |= 0x10; break;               // AArch32
    case 4: rec[528 / 4] = 0x12345678; rec[528 / 4 + 1] = 16; break; // unknown record
    case 5: rec[1] = 16; break;                      // fpsimd record of the wrong size
    case 6: mc->pstate |= 0x20000000; break;         // C flag: allowed
    }
}

static int run(int m) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        mode = m;
        struct sigaction sa = {0};
        sa.sa_sigaction = handler;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
        _exit(0);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    return st;
}

int main(void) {
    for (int m = 1; m <= 5; m++) {
        int st = run(m);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "mode %d: status %#x", m, st);
    }
    int st = run(6);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
    puts("ok");
    return 0;
}
