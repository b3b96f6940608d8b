#include <kernel/cpu.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/sync/giant.h>
#include <kernel/sync/spinlock.h>
#include <kernel/thread.h>

namespace kernel::giant {
namespace {
// The holder, or null. Set and cleared by the holder only, each time with interrupts off
// on its CPU, together with its depth (Thread::giant_depth).
Thread* g_owner = nullptr;

Thread* owner() { return __atomic_load_n(&g_owner, __ATOMIC_RELAXED); }

// Takes the word for `t`, the calling thread (interrupts off). While it waits, this CPU
// answers the requests of other CPUs (a holder may be waiting for a TLB flush here).
void take_word(Thread* t) {
    Thread* expected = nullptr;
    while (!__atomic_compare_exchange_n(&g_owner, &expected, t, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        expected = nullptr;
        smp::handle_requests();
        arch::cpu_relax();
    }
}
} // namespace

void lock() {
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
        t->giant_depth++;
    }
    arch::irq_restore(s);
}

void unlock() {
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    if (t) {
        if (owner() != t || !t->giant_depth) panic("giant lock released by %s, which does not hold it", t->name);
        if (--t->giant_depth == 0) __atomic_store_n(&g_owner, nullptr, __ATOMIC_RELEASE);
    }
    arch::irq_restore(s);
}

bool held() {
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    bool r = t && owner() == t;
    arch::irq_restore(s);
    return r;
}

void release_for_switch(Thread& prev) {
    if (owner() == &prev) __atomic_store_n(&g_owner, nullptr, __ATOMIC_RELEASE);
}

void reacquire_after_switch() {
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    if (t && t->giant_depth && owner() != t) take_word(t);
    arch::irq_restore(s);
}
} // namespace kernel::giant
