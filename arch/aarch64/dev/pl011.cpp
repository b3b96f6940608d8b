// PL011 console driver; see pl011.h.
#include "pl011.h"
#include <arch/interface.h>
#include <kernel/console.h>
#include <kernel/entry.h>
#include <kernel/sync/giant.h>
#include <kernel/sync/spinlock.h>

namespace arch::pl011 {
namespace {
enum : u32 {
    DR = 0x00, FR = 0x18, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2c, CR = 0x30, IMSC = 0x38,
    MIS = 0x40, ICR = 0x44,
};
enum : u32 { FR_RXFE = 1 << 4, FR_TXFF = 1 << 5 };
enum : u32 { INT_RX = 1 << 4, INT_RT = 1 << 6 };

volatile u8* g_regs;

u32 rd(u32 off) { return *reinterpret_cast<volatile u32*>(g_regs + off); }
void wr(u32 off, u32 v) { *reinterpret_cast<volatile u32*>(g_regs + off) = v; }
} // namespace

void init(VirtAddr regs) {
    g_regs = reinterpret_cast<volatile u8*>(regs);
    // QEMU ignores the divisor; real hardware keeps what the firmware programmed.
    // Enable the FIFOs, 8N1, and UART/TX/RX, with every interrupt masked for now.
    wr(IMSC, 0);
    wr(ICR, 0x7ff);
    wr(LCR_H, (3 << 5) | (1 << 4));
    wr(CR, (1 << 0) | (1 << 8) | (1 << 9));
}

bool ready() { return g_regs != nullptr; }

void putc(char c) {
    if (!g_regs) return;
    while (rd(FR) & FR_TXFF) {}
    wr(DR, u8(c));
}

void write(const char* s, size_t n) {
    for (size_t i = 0; i < n; i++) putc(s[i]);
}

namespace {
// The receive side: the interrupt handler (on the CPU that takes device interrupts) and
// console_rx_resume (on whichever CPU read the console) drain the FIFO one at a time,
// so that bytes reach the console in order.
kernel::Spinlock g_rx_lock {"uart rx"};

void drain() LV_REQUIRES(g_rx_lock) {
    // Clear first, then drain: QEMU raises RX only when the FIFO goes from empty to one
    // byte, so clearing after the drain loses the interrupt of a byte that arrived in
    // between, and input stalls with the FIFO full.
    wr(ICR, INT_RX | INT_RT);
    while (!(rd(FR) & FR_RXFE)) {
        // Console full: leave the rest in the FIFO (QEMU then stops sending) with the
        // receive interrupts masked, until console_rx_resume().
        if (kernel::console::rx_full()) {
            wr(IMSC, 0);
            return;
        }
        kernel::console_rx(u8(rd(DR) & 0xff));
    }
}
} // namespace

void enable_rx_interrupt() {
    if (!g_regs) return;
    kernel::SpinlockLocker l(g_rx_lock);
    wr(ICR, INT_RX | INT_RT);
    wr(IMSC, INT_RX | INT_RT); // RX: FIFO level reached; RT: bytes waiting, line idle
    // Bytes that arrived before now raised no interrupt we will see (the RX interrupt
    // fires when the FIFO reaches its trigger level, not while it stays there): take
    // them now, or a full FIFO would stall input for good.
    drain();
}

void handle_interrupt() {
    kernel::SpinlockLocker l(g_rx_lock);
    drain();
}
} // namespace arch::pl011

namespace arch {
void console_write(const char* s, size_t n) { pl011::write(s, n); }

void console_rx_resume() {
    pl011::enable_rx_interrupt(); // unmasks, then takes what waits in the FIFO
}
} // namespace arch
