// The giant lock: one lock, held by whatever runs code that is still protected by the
// old single-CPU rule (once: interrupts off on this CPU, no lock named). With several
// CPUs that rule alone no longer keeps two CPUs apart, so every path into such code runs
// with the giant lock held, as Linux's big kernel lock did while it was being taken
// apart:
//   - every giant::Section takes it (below): the lock, and no preemption to its end;
//   - so do most system calls for their whole length (all but syscalls/dispatch.cpp's
//     kGiantFree), and the return to user mode when it has work (signal delivery); user
//     mode never holds it;
//   - kernel threads hold it, except while asleep; among them the work thread
//     (kernel/work.h), which runs what interrupt handlers leave it: no interrupt
//     handler takes the giant lock.
// A thread gives it up whenever it switches away (sched::schedule) and takes it back
// once it runs again, so a sleeper never blocks the other CPUs. Code under the named
// locks of kernel/sync/ (the scheduler, wait queues, address spaces, the frame
// allocator, timers) does not need it; as the rest moves to named locks, the paths
// that need the giant lock shrink, and it goes when none is left.
//
// Order: the outermost lock. It is never taken fresh with a spinlock held (that would
// invert against a holder taking the spinlock); taking it again while held nests.
#pragma once
#include <kernel/sync/annotations.h>
#include <lib/types.h>

namespace kernel {
class Thread;
}

namespace kernel::giant {
// The lock as clang's thread-safety analysis sees it (kernel/sync/annotations.h): data
// under it is marked LV_GUARDED_BY(giant::the_lock), and the analysis checks each access
// against the paths that hold it. It has no state: the word and the depth are in
// giant.cpp.
struct LV_CAPABILITY("giant lock") Capability {};
extern Capability the_lock;

// Shorthands: data under the giant lock, and a function called with it held.
#define LV_GUARDED_BY_GIANT LV_GUARDED_BY(::kernel::giant::the_lock)
#define LV_REQUIRES_GIANT LV_REQUIRES(::kernel::giant::the_lock)

void lock() LV_ACQUIRE(the_lock);
void unlock() LV_RELEASE(the_lock);
// Panics unless the calling thread holds the lock; to the analysis, it is held from here
// to the end of the caller's scope. For a function reached only with the lock held
// through a path the analysis cannot follow (a system call's handler, called through the
// dispatch table while dispatch holds it).
void assert_held() LV_ASSERT_CAPABILITY(the_lock);
bool held(); // by the calling thread

// The scheduler's side (kernel/sched.cpp): a thread switched away keeps its nesting
// depth but gives the lock word up; it takes the word back once it runs again, after
// the scheduler's lock is released.
void release_for_switch(Thread& prev); // prev is switching away (sched lock held)
void reacquire_after_switch();         // the current thread, after the sched lock

// A point in a long call (a copy of gigabytes) where the holder lets a CPU waiting for
// the lock have it, then takes it back: the lock is not fair, and another CPU (the work
// thread that would deliver a timer's signal ending the call) could otherwise wait for
// the whole call. No spinlock may be held; what the lock guards may change
// meanwhile, as across a sleep.
void yield_if_contended();

// A section of code that runs as one step with respect to every other holder of the
// lock: besides the lock, the thread is not preempted until the section ends (the tick
// does not switch it away, which would give the lock up; Linux's preempt_disable). It
// may still sleep, which gives the lock up as every sleep does: what the lock guards may
// change across a sleep. Interrupts stay on: no interrupt handler touches what the
// giant lock guards (kernel/work.h). Sections nest, and may be entered with the lock
// held by a Locker. Never in an interrupt handler (checked). To the analysis the lock
// is held from here to the end of the enclosing function: an assertion, since the
// analysis cannot express a lock that nests.
class Section {
public:
    Section() LV_ASSERT_CAPABILITY(the_lock);
    ~Section();
    Section(const Section&) = delete;
    Section& operator=(const Section&) = delete;
};

class LV_SCOPED_CAPABILITY Locker {
public:
    Locker() LV_ACQUIRE(the_lock) { lock(); }
    ~Locker() LV_RELEASE() { unlock(); }
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
    Released() LV_RELEASE(the_lock);
    ~Released() LV_ACQUIRE(the_lock);
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
