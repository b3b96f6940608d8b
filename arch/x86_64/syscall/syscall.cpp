// SYSCALL/SYSRET set-up and the C++ half of the syscall path.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <arch/x86/layout.h>
#include <kernel/entry.h>

extern "C" char x86_syscall_entry[];

namespace arch::x86 {
void syscall_init() {
    wrmsr(kMsrEfer, rdmsr(kMsrEfer) | kEferSce);
    // SYSCALL loads CS = STAR[47:32] (SS = +8); SYSRET to 64-bit mode loads
    // CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8, both with RPL 3.
    wrmsr(kMsrStar, (u64(SEL_USER32_CS) << 48) | (u64(SEL_KERNEL_CS) << 32));
    wrmsr(kMsrLstar, uptr(x86_syscall_entry));
    // Cleared on entry: interrupts stay off until the stack is switched; TF would trap
    // in the kernel; DF and AC must be clear for kernel code (AC would lift SMAP).
    wrmsr(kMsrFmask, kRflagsCf | kRflagsTf | kRflagsIf | kRflagsDf | kRflagsIopl | kRflagsNt |
                         kRflagsRf | kRflagsAc | kRflagsId | (1u << 2) | (1u << 4) | (1u << 6) |
                         (1u << 7) | (1u << 11));
}

// Returns whether SYSRET can restore the frame; otherwise the entry code returns with
// IRET. SYSRET sets RIP from RCX and RFLAGS from R11, so the frame must still look
// like the one SYSCALL made (signal delivery, sigreturn and execve change it), RF and
// TF must be clear (SYSRET cannot restore RF; TF would trap on the first user
// instruction's boundary differently), and RIP must be canonical: on Intel CPUs a
// SYSRET to a non-canonical RIP faults in ring 0 on the user stack.
extern "C" bool x86_syscall(TrapFrame* frame) {
    TrapFrame& f = *frame;
    irq_enable();
    kernel::handle_syscall(f);
    prepare_return_to_user(f);
    return f.rcx == f.rip && f.r11 == f.rflags && !(f.rflags & (kRflagsRf | kRflagsTf)) &&
           f.rip < kUserTop;
}
} // namespace arch::x86
