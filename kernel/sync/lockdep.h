// Lock-order checking at run time (a small version of Linux's lockdep).
//
// Every lock belongs to a class: its name ("vfs", "pipe", "heap"...), so that all
// pipes' mutexes are one class. Each thread keeps the classes it holds, in order. Taking
// a lock of class L while holding H records the edge H -> L (with the stack that first
// took it); an edge that closes a cycle (L was already taken, directly or through other
// locks, while holding H) is a possible deadlock on two CPUs even if it never happened
// here: the kernel panics with both stacks. Taking a second lock of a class already held
// is reported the same way (two instances, two orders: AB-BA).
//
// Spinlocks and mutexes call in on every first acquisition and final release. The
// checks run in every build (tests included); LV_LOCKDEP=0 in the build turns them off.
#pragma once
#include <lib/types.h>

#ifndef LV_LOCKDEP
#define LV_LOCKDEP 1
#endif

namespace kernel {
namespace lockdep {
constexpr int kMaxHeld = 16; // locks one thread holds at once

// Per thread (in Thread): the classes it holds, oldest first.
struct HeldLocks {
    u8 depth = 0;
    u8 classes[kMaxHeld] = {};
};

// The current thread's list; null before the first thread runs (kernel/sched.cpp).
HeldLocks* current_held_locks();

#if LV_LOCKDEP
// `name` identifies the class. Both are no-ops before the first thread runs.
void acquire(const char* name);
void release(const char* name);
#else
inline void acquire(const char*) {}
inline void release(const char*) {}
#endif
} // namespace lockdep
} // namespace kernel
