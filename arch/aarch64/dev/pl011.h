// ARM PL011 UART (the console on QEMU -M virt). Register map: PL011 TRM (DDI 0183).
#pragma once
#include <kernel/sync/giant.h>
#include <lib/types.h>

namespace arch::pl011 {
void init(VirtAddr regs);
bool ready();
void putc(char c);
void write(const char* s, size_t n);
// Receive interrupt: unmask RX in the UART (the GIC side is enabled by the caller).
void enable_rx_interrupt();
// From the IRQ handler: drain the receive FIFO into kernel::console_rx().
void handle_interrupt();
} // namespace arch::pl011
