// Second-stage bring-up, called by kernel_main() once memory management works.
#include <arch/x86/internal.h>

namespace arch {
void init_late() {
    x86::enable_cpu_features();
    x86::pic_disable();
    x86::lapic_init();
    x86::tsc_start_checks();
    x86::lapic_start_timer(kTimerHz); // fires once interrupts are enabled
    kernel::giant::assert_held(); // boot: one CPU and no thread yet, so nothing else runs
    x86::uart_enable_rx_interrupt();
}
} // namespace arch
