// Entry points from architecture code into the generic kernel. Arch code calls
// these; generic code implements them. (The reverse direction is arch/interface.h.)
#pragma once
#include <arch/interface.h>
#include <kernel/sync/giant.h>

namespace kernel {
// Called once by the arch boot code on the boot CPU; see arch::BootInfo.
[[noreturn]] void kernel_main(arch::BootInfo& boot);

// A CPU other than the boot CPU, once the arch has set it up (arch::start_cpu): it
// joins the scheduler and never returns. Interrupts off.
[[noreturn]] void secondary_main();

// An inter-processor interrupt (arch::send_ipi) arrived: interrupt context, but not an
// IrqContext (it takes no lock, so that a CPU holding one can wait for it).
void handle_ipi();

// A system call from user mode. The frame holds the number and arguments; the
// handler stores the return value in it.
void handle_syscall(arch::TrapFrame& f);

// The periodic timer fired (interrupt context, end-of-interrupt already signalled).
// `f` is what it interrupted: user mode (CPU time accounting charges the tick to user
// or system time) or kernel code (the lockup detector reports it if it has run that
// long without a switch). May switch threads before returning.
void handle_timer_tick(const arch::TrapFrame& f); // inside an IrqContext

// Interrupt context, from the arch's interrupt entry to its return (the timer's
// included): the interrupt is counted for /proc/stat's "intr", and the locks taken meanwhile
// are recorded for the lock-order checks apart from those the interrupted code holds
// (it does not hold them for the handler). The mark belongs to the thread, so a switch
// away inside it (the tick) is fine. No interrupt handler takes the giant lock: the tick
// and the device handlers take their own spinlocks, and queue what needs the giant lock
// (signals, the net stack, the console's line discipline) for the work thread
// (kernel/work.h). So a CPU in an interrupt never waits for a lock that a system call
// on another CPU may hold for long.
class IrqContext {
public:
    IrqContext();
    ~IrqContext();
    IrqContext(const IrqContext&) = delete;
    IrqContext& operator=(const IrqContext&) = delete;
};

// A page fault on `addr`. `user_mode`: the faulting code ran in user mode. Returns
// true if the kernel resolved it (demand paging) and the access should be retried.
// If it returns false the arch either takes the user-copy fixup (kernel mode, inside
// a copy routine), calls user_fault() (user mode) or panics (kernel bug).
struct FaultAccess {
    bool write = false;
    bool exec = false;
    bool user_mode = false;
    bool present = false; // the page was mapped, so this is a protection fault
    bool pkey = false;    // the page's protection key forbade it (x86 PKU): never resolved
};
enum class FaultResult {
    Resolved,
    Segv, // no region allows the access
    Bus,  // a file page past the end of its file, or one that could not be read
};
[[nodiscard]] FaultResult resolve_page_fault(VirtAddr addr, FaultAccess access);
[[nodiscard]] inline bool handle_page_fault(VirtAddr addr, FaultAccess access) {
    return resolve_page_fault(addr, access) == FaultResult::Resolved;
}
// A fault in user mode: resolved, or the signal Linux gives: SIGBUS (BUS_ADRERR) for a
// file page that is not there, else SIGSEGV with `segv_code`.
void user_page_fault(arch::TrapFrame& f, VirtAddr addr, FaultAccess access, int segv_code);

// A fault in user mode the kernel cannot resolve: deliver `signo` (SIGSEGV, SIGBUS,
// SIGILL, SIGFPE, SIGTRAP) with si_code and the faulting address to the current
// thread. Without a handler this kills the process. Returns when the thread may go
// back to user mode (the arch then calls before_return_to_user()).
void user_fault(arch::TrapFrame& f, int signo, int si_code, VirtAddr addr);

// Called by the arch on every return to user mode (after a syscall, an interrupt or
// an exception taken from user mode): handles pending signals and termination.
void before_return_to_user(arch::TrapFrame& f);

// A byte arrived on the console UART (interrupt context).
void console_rx(u8 c);

// Kernel log and panic, usable from arch code at any time after console bring-up.
} // namespace kernel
