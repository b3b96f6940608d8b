// The generic side of traps: timer ticks and page faults. (Syscalls: syscalls/dispatch.cpp.)
#include <kernel/entry.h>
#include <kernel/itimer.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <mm/address_space.h>

namespace kernel {
void handle_timer_tick(bool from_user) {
    timer_tick(from_user); // CPU time, itimers, POSIX timers (kernel/itimer.cpp)
    sched::on_tick();
}

bool handle_page_fault(VirtAddr addr, FaultAccess access) {
    if (addr >= arch::kUserTop) return false; // kernel addresses are never demand-paged
    Thread& t = current_thread();
    if (!t.process || !t.process->as) return false;
    return t.process->as->handle_fault(addr, access.write, access.exec);
}
} // namespace kernel
