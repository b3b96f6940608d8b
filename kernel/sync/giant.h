// The giant lock: one lock, held by whatever runs code that is still protected by the
// old single-CPU rule (kernel/lock.h's InterruptGuard: interrupts off on this CPU, no
// lock named). With several CPUs, that rule alone no longer keeps two CPUs apart, so
// every path into such code runs with the giant lock held, as Linux's big kernel lock
// did while it was being taken apart:
//   - every InterruptGuard section takes it (kernel/lock.h);
//   - so do most system calls for their whole length (all but syscalls/dispatch.cpp's
//     kGiantFree), every interrupt handler (InterruptContext), and the return to user
//     mode when it has work (signal delivery); user mode never holds it;
//   - kernel threads hold it, except while asleep.
// A thread gives it up whenever it switches away (sched::schedule) and takes it back
// once it runs again, so a sleeper never blocks the other CPUs. Code under the named
// locks of kernel/sync/ (the scheduler, wait queues, address spaces, the frame
// allocator, timers) does not need it; as the rest moves to named locks, the paths
// that need the giant lock shrink, and it goes when none is left.
//
// Order: the outermost lock. It is never taken fresh with a spinlock held (that would
// invert against a holder taking the spinlock); taking it again while held nests.
#pragma once
#include <lib/types.h>

namespace kernel {
struct Thread;
}

namespace kernel::giant {
void lock();
void unlock();

// The scheduler's side (kernel/sched.cpp): a thread switched away keeps its nesting
// depth but gives the lock word up; it takes the word back once it runs again, after
// the scheduler's lock is released.
void release_for_switch(Thread& prev); // prev is switching away (sched lock held)
void reacquire_after_switch();         // the current thread, after the sched lock

// A point in a long call (a copy of gigabytes) where the holder lets a CPU waiting for
// the lock have it, then takes it back: the lock is not fair, and an interrupt handler on
// another CPU (a timer that would deliver the signal ending the call) could otherwise
// wait for the whole call. No spinlock may be held; what the lock guards may change
// meanwhile, as across a sleep.
void yield_if_contended();

class Locker {
public:
    Locker() { lock(); }
    ~Locker() { unlock(); }
    Locker(const Locker&) = delete;
    Locker& operator=(const Locker&) = delete;
};

// Gives the lock up for its scope, at whatever depth the thread holds it, and takes it
// back at that depth: for long work under named locks only (copying or tearing down an
// address space) inside a call that otherwise needs the giant lock. To the code around
// it this is as a sleep is: what the giant lock guards may change meanwhile. Not with a
// spinlock held.
class Released {
public:
    Released();
    ~Released();
    Released(const Released&) = delete;
    Released& operator=(const Released&) = delete;

private:
    u32 m_depth;
};

// Holds the lock for its scope when `needed`: for a call that runs without it for some
// objects only (read(2) on a pipe, fs::FileOps::giant_free) and with it for the rest.
class LockerIf {
public:
    explicit LockerIf(bool needed) : m_held(needed) {
        if (m_held) lock();
    }
    ~LockerIf() {
        if (m_held) unlock();
    }
    LockerIf(const LockerIf&) = delete;
    LockerIf& operator=(const LockerIf&) = delete;

private:
    bool m_held;
};
} // namespace kernel::giant
