// Second-stage bring-up (arch::init_late) and exception setup.
#include "../boot/platform.h"
#include "../dev/pl011.h"
#include "../dev/timer.h"
#include "../irq/gic.h"
#include "traps.h"
#include <arch/interface.h>
#include <kernel/log.h>

extern "C" const u64 __uaccess_fixup_start[], __uaccess_fixup_end[];

namespace arch {
void traps_init() {
    // VBAR_EL1 is set in head.S before any C++ runs (on every CPU); nothing else to do.
}

bool uaccess_fixup(u64 pc, u64& fixup) {
    // Entries are {start, end, fixup} triples, one per copy routine (uaccess/usercopy.S).
    for (const u64* e = __uaccess_fixup_start; e + 3 <= __uaccess_fixup_end; e += 3) {
        if (pc >= e[0] && pc < e[1]) {
            fixup = e[2];
            return true;
        }
    }
    return false;
}

void init_late() {
    Board& pl = board();
    if (!gic::init()) kernel::panic("aarch64: no usable GIC (version %d) in the device tree", pl.gic_version);
    // The timer PPI is level-sensitive; the EL1 virtual timer is what a guest owns
    // (it also works under KVM).
    timer::start_periodic(kTimerHz, pl.timer_virt_irq);
    gic::enable(pl.timer_virt_irq, false);
    gic::enable(gic::kIpiSgi, true); // arch::send_ipi (cpu/smp.cpp)
    if (pl.uart_irq) {
        register_irq(pl.uart_irq, pl011::handle_interrupt, false); // level
        kernel::giant::assert_held(); // boot: one CPU and no thread yet, so nothing else runs
        pl011::enable_rx_interrupt();
    }
    log_info("aarch64: GICv%d, timer %lu Hz (INTID %u), tick %u Hz, UART INTID %u", pl.gic_version,
             timer::frequency(), pl.timer_virt_irq, kTimerHz, pl.uart_irq);
}
} // namespace arch
