// The console: the 16550 UART at COM1 (0x3f8).
//
// Under nested KVM every port access is a VM exit costing microseconds, so output
// waits for an empty transmit FIFO once and then writes 16 bytes, and input comes
// from the receive interrupt (IRQ 4 through the IOAPIC), never from polling.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <kernel/console.h>
#include <kernel/entry.h>
#include <kernel/sync/giant.h>
#include <kernel/sync/spinlock.h>
#include <lib/format.h>

namespace arch::x86 {
namespace {
constexpr u16 kCom1 = 0x3f8;
enum : u16 { RBR = 0, THR = 0, IER = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
constexpr u8 kLsrDataReady = 0x01, kLsrThrEmpty = 0x20, kLsrTxIdle = 0x40;
constexpr unsigned kFifoSize = 16;

// A byte that arrived before the FIFOs were on (the UART holds one then; enabling the
// FIFOs would drop it), delivered once the console can take input.
int g_early_byte = -1;

// The receive side: the interrupt handler (on the CPU that takes device interrupts) and
// uart_resume_rx (on whichever CPU read the console) drain the FIFO one at a time, so
// that bytes reach the console in order.
kernel::Spinlock g_rx_lock {"uart rx"};

void drain() LV_REQUIRES(g_rx_lock) {
    // Take bytes while the console has room; when it is full, leave the rest in the UART
    // with the receive interrupt off (the FIFO fills and QEMU stops sending) until
    // console_rx_resume().
    while (inb(kCom1 + LSR) & kLsrDataReady) {
        if (kernel::console::rx_full()) {
            outb(kCom1 + IER, 0x00);
            return;
        }
        kernel::console_rx(inb(kCom1 + RBR));
    }
}
} // namespace

void uart_init() {
    outb(kCom1 + IER, 0x00);  // no interrupts until the IOAPIC routes them
    if (inb(kCom1 + LSR) & kLsrDataReady) g_early_byte = inb(kCom1 + RBR);
    outb(kCom1 + LCR, 0x80);  // DLAB: set the divisor
    outb(kCom1 + 0, 1);       // 115200 baud
    outb(kCom1 + 1, 0);
    outb(kCom1 + LCR, 0x03);  // 8N1
    outb(kCom1 + FCR, 0xc1);  // FIFOs on, receive trigger at 14 bytes
    outb(kCom1 + MCR, 0x0b);  // DTR, RTS, OUT2 (gates the IRQ line on PCs)
}

void uart_enable_rx_interrupt() {
    ioapic_route(4, kVectorCom1, lapic_id()); // ISA IRQ 4 = GSI 4 on QEMU's PC and q35
    outb(kCom1 + IER, 0x01);                  // received data available
    // Deliver whatever arrived before the interrupt was on.
    if (g_early_byte >= 0) kernel::console_rx(u8(g_early_byte));
    g_early_byte = -1;
    uart_handle_interrupt();
}

void uart_handle_interrupt() {
    kernel::SpinlockLocker l(g_rx_lock);
    drain();
}

void uart_resume_rx() {
    kernel::SpinlockLocker l(g_rx_lock);
    outb(kCom1 + IER, 0x01);
    drain();
}

// Waits until every byte has left the UART (before powering off: QEMU would drop what
// is still in the transmit FIFO).
void uart_flush() {
    for (int i = 0; i < 1000000 && !(inb(kCom1 + LSR) & kLsrTxIdle); i++) pause();
}

namespace {
void put_raw(void*, char c) {
    const char s[1] = {c};
    console_write(s, 1);
}
} // namespace

// Straight to the UART, for messages before kernel_main (and when nothing else works).
void early_print(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    lv::vformat(put_raw, nullptr, fmt, ap);
    va_end(ap);
}
} // namespace arch::x86

namespace arch {
void console_write(const char* s, size_t n) {
    using namespace x86;
    IrqState st = irq_save(); // keep one caller's bytes together
    while (n > 0) {
        while (!(inb(kCom1 + LSR) & kLsrThrEmpty)) pause();
        size_t chunk = min(n, size_t(kFifoSize));
        for (size_t i = 0; i < chunk; i++) outb(kCom1 + THR, u8(s[i]));
        s += chunk;
        n -= chunk;
    }
    irq_restore(st);
}

void console_rx_resume() { x86::uart_resume_rx(); }
} // namespace arch
