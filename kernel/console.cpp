// The console line, raw or multiplexed (protocol in kernel/console.h).
#include <kernel/entry.h>
#include <arch/interface.h>
#include <fs/kernel_api.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/log.h>
#include <kernel/sync/spinlock.h>
#include <kernel/wait_queue.h>
#include <kernel/work.h>

namespace kernel::console {
namespace {
bool g_mux = false;

// Output: one frame at a time. A leaf lock (nothing is taken under it), left out of the
// lock-order checks, which themselves log through it.
Spinlock g_out_lock {"console out", false};

// Input ring, filled from interrupt context.
constexpr size_t kRing = 4096;
Spinlock g_in_lock {"console in"};
u8 g_ring[kRing] LV_GUARDED_BY(g_in_lock);
size_t g_head LV_GUARDED_BY(g_in_lock) = 0; // next write
size_t g_tail LV_GUARDED_BY(g_in_lock) = 0; // next read
bool g_eof LV_GUARDED_BY(g_in_lock) = false;
WaitQueue g_readers; // waits with g_in_lock

// Decoder state for host -> guest frames: 0xFE <len> <bytes>.
enum class Rx { Idle, Length, Data } g_rx LV_GUARDED_BY(g_in_lock) = Rx::Idle;
size_t g_rx_left LV_GUARDED_BY(g_in_lock) = 0;

bool ring_full() LV_REQUIRES(g_in_lock) { return (g_head + 1) % kRing == g_tail; }

// Signal characters (^C, ^\, ^Z) received, for the work thread: signalling a process
// group needs the giant lock, which an interrupt handler does not take. More than fit
// before it runs are merged (the group is signalled once for them).
constexpr size_t kSignalChars = 16;
u8 g_sig_chars[kSignalChars] LV_GUARDED_BY(g_in_lock);
size_t g_sig_head LV_GUARDED_BY(g_in_lock) = 0, g_sig_count LV_GUARDED_BY(g_in_lock) = 0;
void signal_chars(void*);
work::Item g_signal_work {signal_chars, nullptr};

void push(u8 c) LV_REQUIRES(g_in_lock) {
    // The arch stops taking bytes from the UART while the ring is full (rx_full()), so
    // the UART's FIFO and then QEMU hold the rest: nothing is dropped here in practice.
    if (ring_full()) return;
    g_ring[g_head] = c;
    g_head = (g_head + 1) % kRing;
}
} // namespace

void init(const char* cmdline) { g_mux = cmdline::flag(cmdline, "levitate.mux"); }

bool multiplexed() { return g_mux; }

// (Taken only when not panicking: clang cannot follow a conditional lock.)
void write(Channel ch, const char* data, size_t n) LV_NO_THREAD_SAFETY_ANALYSIS {
    if (!g_mux) {
        arch::console_write(data, n);
        return;
    }
    // A frame must not be interleaved with another. A panic writes without the lock:
    // the CPU that panicked may hold it.
    bool locked = !panicking();
    if (locked) g_out_lock.lock();
    while (n) {
        size_t chunk = n > 0xffff ? 0xffff : n;
        char hdr[4] = {char(kFrameMagic), char(ch), char(chunk & 0xff), char(chunk >> 8)};
        arch::console_write(hdr, 4);
        arch::console_write(data, chunk);
        data += chunk;
        n -= chunk;
    }
    if (locked) g_out_lock.unlock();
}

void receive(u8 c) {
    // ^C, ^\ and ^Z signal the foreground group at once, even when nobody reads: from
    // the work thread, which takes the giant lock (fs::console_signal_char).
    if (!g_mux && fs::console_may_signal(c)) {
        {
            SpinlockLocker l(g_in_lock);
            if (g_sig_count < kSignalChars) g_sig_chars[(g_sig_head + g_sig_count++) % kSignalChars] = c;
        }
        work::queue(g_signal_work);
        return;
    }
    SpinlockLocker l(g_in_lock);
    if (!g_mux) {
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

namespace {
void signal_chars(void*) LV_REQUIRES_GIANT {
    for (;;) {
        u8 c;
        {
            SpinlockLocker l(g_in_lock);
            if (!g_sig_count) return;
            c = g_sig_chars[g_sig_head];
            g_sig_head = (g_sig_head + 1) % kSignalChars;
            g_sig_count--;
        }
        if (fs::console_signal_char(c)) continue;
        // No longer a signal character (the termios or the foreground group changed
        // meanwhile): it is input.
        SpinlockLocker l(g_in_lock);
        push(c);
        g_readers.wake_all(0x1 | 0x40); // POLLIN | POLLRDNORM
    }
}
} // namespace

isize read(u8* buf, size_t n, bool nonblock) {
    if (n == 0) return 0;
    // Check and sleep under the lock (wait_locked): a byte (or the EOF frame) arriving
    // between the check and the wait would otherwise wake nobody, and the reader hang.
    bool was_full = false;
    size_t got = 0;
    {
        SpinlockLocker l(g_in_lock);
        for (;;) {
            if (g_head != g_tail) {
                was_full = ring_full();
                while (got < n && g_tail != g_head) {
                    buf[got++] = g_ring[g_tail];
                    g_tail = (g_tail + 1) % kRing;
                }
                break;
            }
            if (g_eof) return 0;
            if (nonblock) return -isize(Errno::EAGAIN);
            if (g_readers.wait_locked(g_in_lock).is_error()) return -isize(Errno::EINTR);
        }
    }
    // The UART was left holding input while we were full: take it again (it calls
    // receive(), so not under the lock).
    if (was_full) arch::console_rx_resume();
    return isize(got);
}

namespace {
int g_foreground_pgid LV_GUARDED_BY_GIANT = 0;
}
int foreground_pgid() { return g_foreground_pgid; }
int foreground_pgid_relaxed() LV_NO_THREAD_SAFETY_ANALYSIS { return __atomic_load_n(&g_foreground_pgid, __ATOMIC_RELAXED); }
void set_foreground_pgid(int pgid) { __atomic_store_n(&g_foreground_pgid, pgid, __ATOMIC_RELAXED); }

bool input_ended() {
    SpinlockLocker l(g_in_lock);
    return g_eof && g_head == g_tail;
}

WaitQueue& input_wait() { return g_readers; }

bool rx_full() {
    SpinlockLocker l(g_in_lock);
    return ring_full();
}

size_t available() {
    SpinlockLocker l(g_in_lock);
    return (g_head + kRing - g_tail) % kRing;
}
} // namespace kernel::console

namespace kernel {
void console_rx(u8 c) { console::receive(c); }
} // namespace kernel
