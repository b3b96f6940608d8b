// The console: the primary UART, seen by user programs as /dev/console (a tty).
//
// Multiplexed mode (kernel command line `levitate.mux=1`, used by `./levitate exec`):
// one serial line carries several streams, so that the kernel log never mixes into a
// program's stdout. Guest -> host, every write is framed as
//     0xFE <channel u8> <length u16 little-endian> <length bytes>
// with the channels below. Host -> guest, input is framed as
//     0xFE <length u8> <length bytes>      (length 0 means end of file)
// Bytes outside a frame (from a very early boot message) belong to the log.
// tools/levitate.py holds the other end of this protocol.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/types.h>

namespace kernel {
class WaitQueue;
}

namespace kernel::console {
enum Channel : u8 {
    kStdout = 1,   // the program's fd 1
    kStderr = 2,   // the program's fd 2
    kLog = 3,      // kernel log lines
    kExit = 4,     // "exit N" or "signal N": how the program ended
    kPanic = 5,    // panic text; the runner exits with its panic status
    kInfo = 6,     // "key=value" facts for the runner, e.g. first-user-ns=...
};
constexpr u8 kFrameMagic = 0xFE;

void init(const char* cmdline); // decides between raw and multiplexed mode
bool multiplexed();
void write(Channel ch, const char* data, size_t n); // raw mode: log/panic/out all go to the UART as text
// Input: read up to n bytes, blocking until at least one is there unless nonblock.
// Returns the count; 0 at end of file (multiplexed mode only); -EAGAIN or -EINTR.
isize read(u8* buf, size_t n, bool nonblock);
size_t available(); // bytes ready to read (FIONREAD)
bool input_ended();  // the host's input is over (multiplexed mode): reads return 0
WaitQueue& input_wait(); // woken when input arrives or ends (for poll/epoll)
void receive(u8 c); // from kernel::console_rx (interrupt context, no giant lock)
// Input flow control: while this is true the arch leaves received bytes in the UART
// (and masks its receive interrupt) until read() makes room and calls
// arch::console_rx_resume().
bool rx_full();

// The console tty's foreground process group (TIOCGPGRP/TIOCSPGRP, set_foreground):
// ^C sends SIGINT to it. 0 = none. Under the giant lock, as process groups are.
int foreground_pgid() LV_REQUIRES_GIANT;
// Without the lock, one word: for the interrupt handler's first look (fs::console_may_signal).
int foreground_pgid_relaxed();
void set_foreground_pgid(int pgid) LV_REQUIRES_GIANT;
} // namespace kernel::console
