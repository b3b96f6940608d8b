// Signals. Linux numbering (same on x86_64 and aarch64 for 1..31).
#pragma once
#include <kernel/thread.h>
#include <lib/types.h>

namespace kernel {
class Process;
class Thread;

enum Signal : int {
    SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
    SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13,
    SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19,
    SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25,
    SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31,
};
constexpr int kNumSignals = 64;

// Queue a signal for a process / a thread (e.g. SIGPIPE on a broken pipe, SIGINT from ^C).
void send_signal(Process& p, int sig);
void send_signal(Thread& t, int sig);
// True when the current thread has an unblocked pending signal: blocking syscalls
// return EINTR then.
bool signal_pending();
// True when the current thread is being killed (SIGKILL pending, or its process is
// exiting): long loops in the kernel check it so that SIGKILL ends any process within
// bounded time, even in the middle of a huge read or populate.
bool fatal_signal_pending();
// Woken (key POLLIN) whenever a signal is queued for any thread or process: signalfd
// readers and pollers (fs/signalfd.cpp) wait here and re-check their own signals.
class WaitQueue;
WaitQueue& signal_queued_wait();

// Queue a signal with its siginfo details (si_code SI_QUEUE/SI_TIMER/..., si_value).
// A standard signal that is already pending keeps its first siginfo (Linux's
// legacy_queue); FIXME: real-time signals (32..64) are not queued either: one pending
// instance each.
void send_signal_info(Process& p, int sig, const Thread::SigInfo& info);
void send_signal_info(Thread& t, int sig, const Thread::SigInfo& info);
// Takes the lowest pending signal in `mask` (thread-directed first, then the process's)
// off the current thread's pending sets. In a giant::Section. False if none.
bool dequeue_signal(Thread& t, u64 mask, int& sig, Thread::SigInfo& info);
// The Linux siginfo_t (128 bytes) for a dequeued signal.
void fill_siginfo(u8 (&out)[128], int sig, const Thread::SigInfo& info);
constexpr int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_TKILL = -6;
} // namespace kernel
