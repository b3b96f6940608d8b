// The generic side of traps: timer ticks and page faults. (Syscalls: syscalls/dispatch.cpp.)
#include <kernel/entry.h>
#include <kernel/itimer.h>
#include <kernel/oom.h>
#include <kernel/signal.h>
#include <kernel/sync/giant.h>
#include <kernel/time.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <mm/address_space.h>

namespace kernel {
void handle_timer_tick(const arch::TrapFrame& f) {
    timer_tick(f.from_user()); // CPU time, itimers, POSIX timers (kernel/itimer.cpp)
    sched::watchdog(f);
    sched::on_tick();
}

FaultResult resolve_page_fault(VirtAddr addr, FaultAccess access) {
    if (addr >= arch::kUserTop) return FaultResult::Segv; // kernel addresses are never demand-paged
    // The thread's rights for the page's key forbid the access: nothing to page in (the
    // mapping is there, and retrying would fault again forever).
    if (access.pkey) return FaultResult::Segv;
    Thread& t = current_thread();
    // copy_from_user_nofault: the caller holds a lock the fault path may take.
    if (t.own().pagefault_disabled && !access.user_mode) return FaultResult::Segv;
    // No giant lock: the fault is resolved under the address space's own lock.
    // Out of memory: kill the biggest process (kernel/oom.h) and try again once it is
    // gone. If this process is the victim, SIGKILL is pending: the fault fails, and the
    // kill (signal 9 comes before SIGSEGV's 11) ends it on its way back to user mode.
    constexpr int kMaxWaits = 200; // x 10 ms: a victim that takes longer loses its turn
    for (int waits = 0;;) {
        mm::AddressSpace* as = t.process() ? t.process()->as().get() : nullptr;
        if (!as) return FaultResult::Segv;
        switch (as->handle_fault(addr, access.write, access.exec)) {
        case mm::AddressSpace::Fault::Resolved: return FaultResult::Resolved;
        case mm::AddressSpace::Fault::Denied: return FaultResult::Segv;
        case mm::AddressSpace::Fault::Bus: return FaultResult::Bus;
        case mm::AddressSpace::Fault::NoMemory: break;
        }
        if (fatal_signal_pending() || !oom_kill()) return FaultResult::Segv; // oom_kill takes the giant lock
        sched::sleep_until(time::monotonic_ns() + 10'000'000);
        if (++waits == kMaxWaits) {
            waits = 0;
            clear_oom_victims(); // a stuck victim: the next round picks another
        }
    }
}

void user_page_fault(arch::TrapFrame& f, VirtAddr addr, FaultAccess access, int segv_code) {
    constexpr int kBusAdrErr = 2; // BUS_ADRERR
    switch (resolve_page_fault(addr, access)) {
    case FaultResult::Resolved: return;
    case FaultResult::Bus: user_fault(f, SIGBUS, kBusAdrErr, addr); return;
    case FaultResult::Segv: user_fault(f, SIGSEGV, segv_code, addr); return;
    }
}
} // namespace kernel
