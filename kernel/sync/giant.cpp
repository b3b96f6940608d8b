#include <kernel/cpu.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/sync/giant.h>
#include <kernel/sync/spinlock.h>
#include <kernel/thread.h>
#include <kernel/time.h>

namespace kernel::giant {
Capability the_lock;

namespace {
// The holder, or null. Set and cleared by the holder only, each time with interrupts off
// on its CPU, together with its depth (Thread::Own::giant_depth).
Thread* g_owner = nullptr;

Thread* owner() { return __atomic_load_n(&g_owner, __ATOMIC_RELAXED); }
// How many CPUs are spinning in take_word (a hint for yield_if_contended).
u32 g_waiters = 0;

// Takes the word for `t`, the calling thread (interrupts off). While it waits, this CPU
// answers the requests of other CPUs (a holder may be waiting for a TLB flush here).
// A wait of kLockupSeconds is reported (and again each time as long again passes), as
// the soft-lockup detector does: the holder may be stuck, or waiting for this CPU.
void take_word(Thread* t) {
    Thread* expected = nullptr;
    if (__atomic_compare_exchange_n(&g_owner, &expected, t, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
    __atomic_fetch_add(&g_waiters, 1, __ATOMIC_RELAXED);
    u64 start = 0, reported = 0;
    constexpr u64 kReportNs = sched::kLockupSeconds * 1'000'000'000ull;
    for (u64 spins = 1;
         !(expected = nullptr, __atomic_compare_exchange_n(&g_owner, &expected, t, false, __ATOMIC_ACQUIRE,
                                                           __ATOMIC_RELAXED));
         spins++) {
        smp::handle_requests();
        arch::cpu_relax();
        if (spins % (1u << 16)) continue;
        u64 now = time::monotonic_ns();
        if (!start) start = reported = now;
        if (now - reported < kReportNs) continue;
        reported = now;
        Thread* o = owner();
        log_backtrace(0, reinterpret_cast<uptr>(__builtin_frame_address(0)),
                      "BUG: giant lock: %s (tid %d) on CPU#%u has waited %lu s for %s (tid %d)", t->name_unlocked(), t->tid(),
                      this_cpu().id, (now - start) / 1'000'000'000, o ? o->name_unlocked() : "nobody", o ? o->tid() : 0);
    }
    __atomic_fetch_sub(&g_waiters, 1, __ATOMIC_RELAXED);
}
} // namespace

Section::Section() LV_NO_THREAD_SAFETY_ANALYSIS {
    lock();
    // Preempted before the count goes up, the thread gives the lock up and takes it
    // back: harmless, the section has not begun. From here it is not preempted.
    arch::IrqState s = arch::irq_save();
    if (Thread* t = this_cpu().current) {
        if (t->own().irq_depth) panic("giant lock section in an interrupt handler");
        t->own().preempt_off++;
    }
    arch::irq_restore(s);
}

Section::~Section() LV_NO_THREAD_SAFETY_ANALYSIS {
    arch::IrqState s = arch::irq_save();
    if (Thread* t = this_cpu().current) t->own().preempt_off--;
    arch::irq_restore(s);
    unlock();
}

// The analysis sees the capability, not the word: these are where it is implemented.
void lock() LV_NO_THREAD_SAFETY_ANALYSIS {
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    if (t) {
        // Taken fresh: not inside a spinlock (the holder may want that spinlock). With
        // a depth but not the word, the thread was switched back in and an interrupt
        // came before reacquire_after_switch: it takes the word here.
        if (owner() != t) {
            if (this_cpu().spinlocks_held) panic("giant lock taken with %u spinlock(s) held", this_cpu().spinlocks_held);
            take_word(t);
        }
        t->own().giant_depth++;
    }
    arch::irq_restore(s);
}

void unlock() LV_NO_THREAD_SAFETY_ANALYSIS {
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    if (t) {
        if (owner() != t || !t->own().giant_depth) panic("giant lock released by %s, which does not hold it", t->name());
        if (--t->own().giant_depth == 0) __atomic_store_n(&g_owner, nullptr, __ATOMIC_RELEASE);
    }
    arch::irq_restore(s);
}

bool held() {
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    bool r = !t || (owner() == t && t->own().giant_depth); // no thread yet: boot, one CPU
    arch::irq_restore(s);
    return r;
}

void assert_held() LV_NO_THREAD_SAFETY_ANALYSIS {
    if (!held()) panic("giant lock not held by %s", this_cpu().current ? this_cpu().current->name() : "boot");
}

Released::Released() : m_depth(0) {
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    if (t && owner() == t) {
        m_depth = t->own().giant_depth;
        t->own().giant_depth = 0;
        __atomic_store_n(&g_owner, nullptr, __ATOMIC_RELEASE);
    }
    arch::irq_restore(s);
}

Released::~Released() {
    if (!m_depth) return;
    arch::IrqState s = arch::irq_save();
    if (this_cpu().spinlocks_held) panic("giant lock taken with %u spinlock(s) held", this_cpu().spinlocks_held);
    Thread* t = this_cpu().current;
    take_word(t);
    t->own().giant_depth = m_depth;
    arch::irq_restore(s);
}

void yield_if_contended() {
    if (!__atomic_load_n(&g_waiters, __ATOMIC_RELAXED)) return;
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    if (t && owner() == t && !this_cpu().spinlocks_held) {
        u32 depth = t->own().giant_depth;
        t->own().giant_depth = 0;
        __atomic_store_n(&g_owner, nullptr, __ATOMIC_RELEASE);
        // The word is free: let a waiter have it before taking it back (the lock itself
        // is not fair), unless none does within a short while.
        for (int spins = 0; spins < 100000 && owner() == nullptr && __atomic_load_n(&g_waiters, __ATOMIC_RELAXED);
             spins++) {
            smp::handle_requests();
            arch::cpu_relax();
        }
        take_word(t);
        t->own().giant_depth = depth;
    }
    arch::irq_restore(s);
}

void release_for_switch(Thread& prev) {
    if (owner() == &prev) __atomic_store_n(&g_owner, nullptr, __ATOMIC_RELEASE);
}

void reacquire_after_switch() {
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    if (t && t->own().giant_depth && owner() != t) take_word(t);
    arch::irq_restore(s);
}
} // namespace kernel::giant
