// Spinlocks: for data shared with interrupt handlers, and for short sections that never
// sleep. Each states what it does with interrupts while held (IrqPolicy):
//   - Save (the default; Linux's spin_lock_irqsave): interrupts are off on the CPU while
//     it is held, so a handler taking the same lock cannot deadlock against the code it
//     interrupted. The saved interrupt state lives in the lock (only its holder touches
//     it). For data an interrupt handler touches, and for every lock taken under one.
//   - On (Linux's plain spin_lock): interrupts stay as they were, so a CPU spinning for
//     it or holding it still takes its interrupts (and answers the other CPUs' TLB
//     shootdowns at once). For data no interrupt handler touches. The rule that makes it
//     safe is checked at every acquisition (a panic names the lock): it is never taken in
//     an interrupt handler, nor with a Save lock held. Otherwise a CPU holding it could
//     be interrupted by a handler that waits for a Save lock whose holder, on another
//     CPU, waits for this one. (No interrupt handler takes the giant lock, kernel/work.h,
//     so the giant lock's holders are no such danger.) While a CPU holds any spinlock
//     the tick does not switch threads on it (Linux's preempt_disable): the switch waits
//     for the next tick or the return to user mode.
//
// The CPU's count of held spinlocks is kept: sleeping (sched::block, sleep_until,
// yield) or touching user memory with one held panics, because either can switch
// threads, and the next thread would find the lock taken for as long as it runs.
// A thread waits for a condition under a spinlock with WaitQueue::wait_locked, which
// gives the lock up while asleep (xv6's sleep(chan, lk)).
//
// A lock found taken is waited for by spinning (its holder runs on another CPU); a wait
// of seconds is reported as a deadlock instead of hanging (with one CPU at once: the
// holder cannot run).
#pragma once
#include <arch/interface.h>
#include <kernel/sync/annotations.h>
#include <kernel/sync/lockdep.h>

namespace kernel {
// Spinlocks held by the current CPU.
u32 spinlocks_held();
// Panics (naming `what`) when a spinlock is held: called where the kernel may sleep or
// fault (the scheduler's sleeps, the user copies).
void assert_no_spinlock(const char* what);

// What a spinlock does with interrupts while it is held (above).
enum class IrqPolicy : u8 { Save, On };

class LV_CAPABILITY("spinlock") Spinlock {
public:
    // `name` is also its lock class for the lock-order checks (kernel/sync/lockdep.h);
    // an untracked lock is left out of them (a Mutex's own inner lock).
    constexpr explicit Spinlock(const char* name = "spinlock", bool tracked = true, IrqPolicy irqs = IrqPolicy::Save)
        : m_name(name), m_tracked(tracked), m_irqs(irqs) {}
    Spinlock(const Spinlock&) = delete;
    Spinlock& operator=(const Spinlock&) = delete;

    void lock() LV_ACQUIRE() {
        if (m_irqs == IrqPolicy::On) lock_irqs_on();
        else reacquire_after_sleep(arch::irq_save());
    }
    void unlock() LV_RELEASE() {
        if (m_irqs == IrqPolicy::On) unlock_irqs_on();
        else arch::irq_restore(release_for_sleep());
    }
    IrqPolicy irq_policy() const { return m_irqs; }
    bool is_locked() const { return __atomic_load_n(&m_locked, __ATOMIC_RELAXED); }
    const char* name() const { return m_name; }

    // The lock word alone, interrupts untouched: for a caller that has turned interrupts
    // off itself and keeps its saved state on its own stack. The scheduler's lock needs
    // that (it changes hands across a context switch), and so do sleeps under a lock
    // (sched::sleep_releasing): they give the word up but keep interrupts off until the
    // thread has switched away, then take it back, with the state the first lock() saved.
    void lock_irqs_off() LV_ACQUIRE() {
        if (m_tracked) lockdep::acquire(m_name); // before a wait that could be a deadlock
        if (__atomic_exchange_n(&m_locked, 1u, __ATOMIC_ACQUIRE)) contended();
        held_changed(1);
    }
    void unlock_irqs_off() LV_RELEASE() { unlock_irqs_off(m_name); }
    // The same, for a lock recorded under class `as` (try_lock_irqs_off).
    void unlock_irqs_off(const char* as) LV_RELEASE() {
        held_changed(-1);
        if (m_tracked) lockdep::release(as);
        __atomic_store_n(&m_locked, 0u, __ATOMIC_RELEASE);
    }
    // The lock word if it is free, without waiting (interrupts already off): for a second
    // lock of a class already held, taken in no fixed order (a CPU stealing a thread from
    // another CPU's run queue while holding its own). It cannot deadlock, since it never
    // waits; the lock-order checker records it as class `as`, and unlock_irqs_off(as)
    // gives it up under the same class.
    bool try_lock_irqs_off(const char* as) LV_TRY_ACQUIRE(true) {
        if (__atomic_load_n(&m_locked, __ATOMIC_RELAXED) || __atomic_exchange_n(&m_locked, 1u, __ATOMIC_ACQUIRE))
            return false;
        if (m_tracked) lockdep::acquire(as);
        held_changed(1);
        return true;
    }
    // For a sleep under the lock (WaitQueue::wait_locked): a Save lock's only.
    arch::IrqState release_for_sleep() LV_RELEASE() {
        if (m_irqs == IrqPolicy::On) not_for_sleep();
        arch::IrqState s = m_saved;
        unlock_irqs_off();
        return s;
    }
    void reacquire_after_sleep(arch::IrqState s) LV_ACQUIRE() {
        lock_irqs_off();
        m_saved = s;
    }

private:
    // Waits for the holder (out of line: the slow path).
    void contended();
    static void held_changed(int delta);
    void lock_irqs_on() LV_ACQUIRE();
    void unlock_irqs_on() LV_RELEASE();
    [[noreturn]] void not_for_sleep();

    u32 m_locked = 0;
    arch::IrqState m_saved = 0;
    const char* m_name;
    bool m_tracked;
    IrqPolicy m_irqs;
};

class LV_SCOPED_CAPABILITY SpinlockLocker {
public:
    explicit SpinlockLocker(Spinlock& l) LV_ACQUIRE(l) : m_lock(l) { m_lock.lock(); }
    ~SpinlockLocker() LV_RELEASE() { m_lock.unlock(); }
    SpinlockLocker(const SpinlockLocker&) = delete;
    SpinlockLocker& operator=(const SpinlockLocker&) = delete;

private:
    Spinlock& m_lock;
};

// A value that can only be reached with its lock held (SerenityOS's
// SpinlockProtected): `counter.with([](u64& c) { c++; });`.
template <typename T>
class SpinlockProtected {
public:
    template <typename... A>
    explicit SpinlockProtected(const char* name, A&&... args) : m_lock(name), m_value(static_cast<A&&>(args)...) {}

    template <typename F>
    auto with(F&& f) {
        SpinlockLocker l(m_lock);
        return f(m_value);
    }
    template <typename F>
    auto with(F&& f) const {
        SpinlockLocker l(m_lock);
        return f(m_value);
    }

private:
    mutable Spinlock m_lock;
    T m_value LV_GUARDED_BY(m_lock);
};
} // namespace kernel
