// The console line, raw or multiplexed (protocol in kernel/console.h).
#include <arch/interface.h>
#include <fs/kernel_api.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/lock.h>
#include <kernel/wait_queue.h>

namespace kernel::console {
namespace {
bool g_mux = false;

// Input ring, filled from interrupt context.
constexpr size_t kRing = 4096;
u8 g_ring[kRing];
size_t g_head = 0, g_tail = 0; // head: next write, tail: next read
bool g_eof = false;
WaitQueue g_readers;

// Decoder state for host -> guest frames: 0xFE <len> <bytes>.
enum class Rx { Idle, Length, Data } g_rx = Rx::Idle;
size_t g_rx_left = 0;

bool ring_full() { return (g_head + 1) % kRing == g_tail; }

void push(u8 c) {
    // The arch stops taking bytes from the UART while the ring is full (rx_full()), so
    // the UART's FIFO and then QEMU hold the rest: nothing is dropped here in practice.
    if (ring_full()) return;
    g_ring[g_head] = c;
    g_head = (g_head + 1) % kRing;
}
} // namespace

void init(const char* cmdline) { g_mux = cmdline::flag(cmdline, "levitate.mux"); }

bool multiplexed() { return g_mux; }

void write(Channel ch, const char* data, size_t n) {
    if (!g_mux) {
        arch::console_write(data, n);
        return;
    }
    InterruptGuard g; // a frame must not be interleaved with another
    while (n) {
        size_t chunk = n > 0xffff ? 0xffff : n;
        char hdr[4] = {char(kFrameMagic), char(ch), char(chunk & 0xff), char(chunk >> 8)};
        arch::console_write(hdr, 4);
        arch::console_write(data, chunk);
        data += chunk;
        n -= chunk;
    }
}

void receive(u8 c) {
    if (!g_mux) {
        // ^C, ^\ and ^Z signal the foreground group at once, even when nobody reads.
        if (fs::console_signal_char(c)) return;
        push(c);
    } else {
        switch (g_rx) {
        case Rx::Idle:
            if (c == kFrameMagic) g_rx = Rx::Length;
            break;
        case Rx::Length:
            g_rx_left = c;
            if (c == 0) { g_eof = true; g_rx = Rx::Idle; }
            else g_rx = Rx::Data;
            break;
        case Rx::Data:
            push(c);
            if (--g_rx_left == 0) g_rx = Rx::Idle;
            break;
        }
    }
    g_readers.wake_all(0x1 | 0x40); // POLLIN | POLLRDNORM
}

isize read(u8* buf, size_t n, bool nonblock) {
    if (n == 0) return 0;
    // Check and sleep with interrupts off: a byte (or the EOF frame) arriving between
    // the check and the wait would otherwise wake nobody, and the reader would hang.
    InterruptGuard g;
    for (;;) {
        if (g_head != g_tail) {
            bool was_full = ring_full();
            size_t got = 0;
            while (got < n && g_tail != g_head) {
                buf[got++] = g_ring[g_tail];
                g_tail = (g_tail + 1) % kRing;
            }
            // The UART was left holding input while we were full: take it again.
            if (was_full) arch::console_rx_resume();
            return isize(got);
        }
        if (g_eof) return 0;
        if (nonblock) return -isize(Errno::EAGAIN);
        if (g_readers.wait_interruptible().is_error()) return -isize(Errno::EINTR);
    }
}

namespace {
int g_foreground_pgid = 0;
}
int foreground_pgid() { return g_foreground_pgid; }
void set_foreground_pgid(int pgid) { g_foreground_pgid = pgid; }

bool input_ended() {
    InterruptGuard g;
    return g_eof && g_head == g_tail;
}

WaitQueue& input_wait() { return g_readers; }

bool rx_full() {
    InterruptGuard g;
    return ring_full();
}

size_t available() {
    InterruptGuard g;
    return (g_head + kRing - g_tail) % kRing;
}
} // namespace kernel::console

namespace kernel {
void console_rx(u8 c) { console::receive(c); }
} // namespace kernel
