// Round-robin scheduler over one run queue that every CPU takes threads from (FIXME:
// per-CPU queues with load balancing). The run queue holds runnable threads other than
// the running ones; a CPU with nothing to run runs its own idle thread.
//
// Locking: g_lock guards the queues and every thread's scheduling fields (sched.h). It
// changes hands across a context switch: the thread that switches away holds it, and
// the thread switched to gives it up (Linux's rq->lock, released in
// finish_task_switch). So each side keeps its interrupt state on its own stack
// (SchedLocker), never in the lock, and the lock-order checker's record of it moves
// from one thread to the other with the switch.
#include <kernel/cpu.h>
#include <kernel/cpu_stat.h>
#include <kernel/entry.h>
#include <kernel/itimer.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/sync/giant.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <mm/address_space.h>

namespace kernel {
namespace sched {
Spinlock g_lock {"sched"};
} // namespace sched

namespace {
using sched::g_lock;
constexpr unsigned kSliceTicks = 2; // 20 ms at 100 Hz

using ThreadList = lv::IntrusiveList<Thread, &Thread::run_node>;
ThreadList g_run_queue LV_GUARDED_BY(g_lock);
// Threads that exited: freed by the next thread to run, once their stack is not in use.
ThreadList g_dead LV_GUARDED_BY(g_lock);
lv::IntrusiveList<Thread, &Thread::sleep_node> g_sleepers LV_GUARDED_BY(g_lock); // with a deadline
Thread g_boot_thread; // the context kernel_main runs on

// g_lock with the caller's interrupt state kept here, on its stack.
class LV_SCOPED_CAPABILITY SchedLocker {
public:
    SchedLocker() LV_ACQUIRE(g_lock) : m_irq(arch::irq_save()) { g_lock.lock_irqs_off(); }
    ~SchedLocker() LV_RELEASE() {
        g_lock.unlock_irqs_off();
        arch::irq_restore(m_irq);
    }
    SchedLocker(const SchedLocker&) = delete;
    SchedLocker& operator=(const SchedLocker&) = delete;

private:
    arch::IrqState m_irq;
};

// Frees the threads that exited. Called without g_lock (freeing takes other locks).
void reap(ThreadList& dead) {
    if (dead.empty()) return;
    giant::Locker g; // the process it belonged to is still under the giant lock
    while (Thread* t = dead.pop_front()) destroy_thread(t);
}

// The end of every switch, on the thread switched to: it now holds g_lock (taken by the
// thread it replaced) and takes the lock-order record of it over.
void finish_switch(ThreadList& dead) LV_REQUIRES(g_lock) {
    lockdep::acquire(g_lock.name());
    while (Thread* t = g_dead.pop_front()) dead.push_back(*t);
}

// Switches to the next runnable thread, if there is one or the current thread cannot go
// on. Returns on the same thread, some time later, with g_lock held again; `dead` gets
// the threads to free once g_lock is given up.
constexpr u64 cpu_bit(u32 id) { return 1ull << id; }

// The first queued thread allowed on `cpu`, taken off the queue; null if none.
Thread* pick_next(Cpu& cpu) LV_REQUIRES(g_lock) {
    for (Thread& t : g_run_queue) {
        if (t.affinity & cpu_bit(cpu.id)) {
            g_run_queue.remove(t);
            return &t;
        }
    }
    return nullptr;
}

void schedule(ThreadList& dead) LV_REQUIRES(g_lock) {
    Cpu& cpu = this_cpu();
    Thread* prev = cpu.current;
    bool prev_stays = prev->state == Thread::State::Running && (prev->affinity & cpu_bit(cpu.id));
    Thread* next = pick_next(cpu);
    if (!next) {
        if (prev_stays) return; // nothing else to run
        next = cpu.idle;
    }
    if (next == prev) return;
    if (prev->state == Thread::State::Running) {
        prev->state = Thread::State::Runnable;
        if (prev != cpu.idle) g_run_queue.push_back(*prev);
        if (prev != cpu.idle && !prev_stays) smp::kick_idle(); // it may not run here: elsewhere, soon
    } else if (prev->state == Thread::State::Dead) {
        g_dead.push_back(*prev); // its stack is in use until we are off it
    }
    next->state = Thread::State::Running;
    next->last_cpu = cpu.id;
    next->slice_ticks = kSliceTicks;
    count_context_switch(); // /proc/stat's ctxt
    cpu.progress_ns = time::monotonic_ns();
    cputime_switch(*prev, *next); // CPU time accounting (kernel/itimer.cpp)
    // Kernel threads run on no user half at all, so a reaped address space is never live.
    arch::activate_user_root(next->process && next->process->as ? next->process->as->root() : 0);
    arch::thread_switch(prev->arch_state, next->arch_state, next->kstack_top());
    lockdep::release(g_lock.name()); // prev's record; next takes it over
    giant::release_for_switch(*prev);  // taken back by prev once it runs again
    cpu.current = next;
    arch::context_switch(prev->context, next->context);
    // Back on `prev`, some time later, maybe on another CPU.
    finish_switch(dead);
}

// Marks `t` (the current thread) asleep until wake() or `deadline_ns`; false, and `t`
// stays awake, when a wake came since the caller's check (a spurious return, never a
// lost wake).
bool mark_asleep(Thread& t, u64 deadline_ns) LV_REQUIRES(g_lock) {
    t.timed_out = false;
    if (t.wake_pending) {
        t.wake_pending = false;
        return false;
    }
    if (deadline_ns != kNoDeadline) {
        t.wake_deadline_ns = deadline_ns;
        g_sleepers.push_back(t);
    }
    t.state = Thread::State::Blocked;
    return true;
}

// Once woken: whether the deadline passed.
bool after_sleep(Thread& t) LV_REQUIRES(g_lock) {
    if (t.sleep_node.linked()) g_sleepers.remove(t);
    return t.timed_out;
}

// Blocks the current thread (with g_lock held): until wake(), or `deadline_ns`.
// Returns whether the deadline passed.
bool block_locked(u64 deadline_ns, ThreadList& dead) LV_REQUIRES(g_lock) {
    Thread& t = *this_cpu().current;
    if (!mark_asleep(t, deadline_ns)) return false;
    schedule(dead);
    return after_sleep(t);
}

void idle_loop(void*) {
    for (;;) {
        ThreadList dead;
        arch::irq_disable();
        g_lock.lock_irqs_off();
        if (!g_run_queue.empty()) schedule(dead);
        g_lock.unlock_irqs_off();
        if (!dead.empty()) {
            arch::irq_enable();
            reap(dead);
            continue;
        }
        // Another CPU (or an interrupt here) may queue a thread now: it sends this CPU
        // an interrupt (smp::kick_idle), which ends the wait below.
        // Checked with interrupts off, and the wait turns them on atomically: a wake
        // from an interrupt handler is seen at once, not at the next tick.
        arch::wait_for_interrupt();
    }
}
} // namespace

Thread& current_thread() { return *this_cpu().current; }
lockdep::HeldLocks* lockdep::current_held_locks() {
    Thread* t = this_cpu().current;
    if (!t) return nullptr;
    return t->irq_depth ? &t->irq_held_locks : &t->held_locks;
}

InterruptContext::InterruptContext() {
    if (Thread* t = this_cpu().current) t->irq_depth++;
    giant::lock(); // handlers still reach data under the giant lock
    count_interrupt();
}

InterruptContext::~InterruptContext() {
    giant::unlock();
    if (Thread* t = this_cpu().current) t->irq_depth--;
}

Process& current_process() {
    static Process kernel_process; // kernel threads see an empty process (no address space)
    Thread* t = this_cpu().current;
    return t && t->process ? *t->process : kernel_process;
}

namespace sched {
void thread_start(void* arg) LV_NO_THREAD_SAFETY_ANALYSIS {
    ThreadList dead;
    finish_switch(dead);
    g_lock.unlock_irqs_off();
    arch::irq_enable(); // every thread starts with interrupts on
    reap(dead);
    auto* t = static_cast<Thread*>(arg);
    // Every thread but the idle ones holds it (a user thread gives it up on its way to
    // user mode); an idle thread takes it only to free dead threads.
    if (t->kernel_entry != idle_loop) giant::lock();
    t->kernel_entry(t->kernel_arg);
    panic("kernel thread %s returned", t->name);
}

bool idle_running() {
    Cpu& cpu = this_cpu();
    return cpu.current == cpu.idle;
}

u64 idle_runtime_ns(Cpu& cpu) { return cpu.idle ? runtime_ns(*cpu.idle) : 0; }

int runnable_threads() {
    SchedLocker l;
    int n = 0;
    for (unsigned i = 0; i < smp::online_count(); i++) {
        Cpu& cpu = cpu_slot(i);
        n += cpu.current != cpu.idle ? 1 : 0;
    }
    for (Thread& t : g_run_queue) n += t.kernel_entry != idle_loop;
    return n;
}

u64 runtime_ns(const Thread& t) {
    // cputime_switch updates it at each switch, under g_lock; a thread running now (here
    // or on another CPU) has the time since it was switched in on top.
    SchedLocker l;
    u64 ns = t.cpu.runtime_ns;
    if (t.state == Thread::State::Running && t.on_cpu_since_ns) ns += time::monotonic_ns() - t.on_cpu_since_ns;
    return ns;
}

bool is_runnable(const Thread& t) {
    SchedLocker l;
    return t.state == Thread::State::Running || t.state == Thread::State::Runnable;
}

void init() {
    Cpu& cpu = this_cpu();
    g_boot_thread.tid = 0;
    arch::thread_state_init(g_boot_thread.arch_state);
    {
        SchedLocker l;
        g_boot_thread.state = Thread::State::Running;
        cpu.current = &g_boot_thread;
    }
    // Never queued: schedule() picks it when nothing else is left.
    cpu.idle = create_thread(nullptr, idle_loop, nullptr, "idle");
    if (!cpu.idle) panic("cannot create the idle thread");
}

Thread* create_idle() {
    Thread* t = create_thread(nullptr, idle_loop, nullptr, "idle");
    if (!t) return nullptr;
    SchedLocker l;
    t->state = Thread::State::Running;
    return t;
}

void run_idle() { idle_loop(nullptr); __builtin_unreachable(); }

void add(Thread& t) {
    {
        SchedLocker l;
        t.state = Thread::State::Runnable;
        g_run_queue.push_back(t);
    }
    smp::kick_idle();
}

void set_affinity(Thread& t, u64 mask) {
    bool move_self;
    {
        SchedLocker l;
        t.affinity = mask;
        move_self = &t == this_cpu().current && !(mask & cpu_bit(t.last_cpu));
    }
    if (move_self) yield(); // schedule() puts it back on the queue for an allowed CPU
    else smp::kick_idle();
}

u64 affinity(const Thread& t) {
    SchedLocker l;
    return t.affinity;
}

u32 cpu_of(const Thread& t) {
    SchedLocker l;
    return t.last_cpu;
}

void inherit_affinity(Thread& child, const Thread& parent) {
    SchedLocker l;
    child.affinity = parent.affinity;
    child.last_cpu = parent.last_cpu;
}

void yield() {
    assert_no_spinlock("yield");
    ThreadList dead;
    {
        SchedLocker l;
        schedule(dead);
    }
    giant::reacquire_after_switch();
    reap(dead);
}

void block() {
    assert_no_spinlock("sleeping");
    ThreadList dead;
    {
        SchedLocker l;
        block_locked(kNoDeadline, dead);
    }
    giant::reacquire_after_switch();
    reap(dead);
}

bool sleep_until(u64 deadline_ns) {
    assert_no_spinlock("sleeping");
    ThreadList dead;
    bool passed;
    {
        SchedLocker l;
        passed = block_locked(deadline_ns, dead);
    }
    giant::reacquire_after_switch();
    reap(dead);
    return passed;
}

bool sleep_releasing(Spinlock& lock, u64 deadline_ns) LV_NO_THREAD_SAFETY_ANALYSIS {
    // `lock` is held, so interrupts are off; it must be the only spinlock held.
    if (spinlocks_held() != 1) panic("sleeping with %u spinlock(s) held", spinlocks_held());
    ThreadList dead;
    g_lock.lock_irqs_off();
    // Marked asleep (under g_lock) before `lock` lets a waker in.
    Thread& t = *this_cpu().current;
    if (!mark_asleep(t, deadline_ns)) { // a wake meant for an earlier check: check again
        g_lock.unlock_irqs_off();
        return false;
    }
    arch::IrqState s = lock.release_for_sleep();
    schedule(dead);
    bool passed = after_sleep(t);
    g_lock.unlock_irqs_off();
    giant::reacquire_after_switch(); // the outer lock first
    if (!dead.empty()) { // freeing may take locks: not under `lock`, nor with interrupts off
        arch::irq_enable();
        reap(dead);
        arch::irq_disable();
    }
    lock.reacquire_after_sleep(s);
    return passed;
}

void wake(Thread& t) {
    {
        SchedLocker l;
        if (t.state == Thread::State::Running || t.state == Thread::State::Runnable) t.wake_pending = true;
        if (t.state != Thread::State::Blocked) return;
        if (t.sleep_node.linked()) g_sleepers.remove(t);
        t.state = Thread::State::Runnable;
        g_run_queue.push_back(t);
    }
    smp::kick_idle();
}

void kick(Thread& t) {
    u32 cpu;
    {
        SchedLocker l;
        if (t.state != Thread::State::Running || t.last_cpu == this_cpu().id) return;
        cpu = t.last_cpu;
    }
    arch::send_ipi(cpu);
}

[[noreturn]] void exit_current() {
    arch::irq_disable();
    g_lock.lock_irqs_off();
    this_cpu().current->state = Thread::State::Dead;
    ThreadList dead;
    schedule(dead);
    panic("dead thread rescheduled");
}

void watchdog(const arch::TrapFrame& f) {
    Cpu& cpu = this_cpu();
    u64 now = time::monotonic_ns();
    if (f.from_user() || cpu.current == cpu.idle || !cpu.progress_ns) {
        cpu.progress_ns = now;
        return;
    }
    constexpr u64 kLimit = kLockupSeconds * 1'000'000'000ull;
    if (now - cpu.progress_ns < kLimit || now - cpu.lockup_reported_ns < kLimit) return;
    cpu.lockup_reported_ns = now;
    Thread& t = *cpu.current;
    log_backtrace(f.ip(), f.fp(), "BUG: soft lockup - CPU#%u stuck for %lus! [%s:%d]", cpu.id,
                  (now - cpu.progress_ns) / 1'000'000'000, t.name, t.tid);
}

void on_tick() {
    // Interrupt context, interrupts off. A switch from here returns here when the
    // interrupted thread runs again.
    ThreadList dead;
    {
        SchedLocker l;
        u64 now = time::monotonic_ns();
        for (Thread& t : g_sleepers) {
            if (t.wake_deadline_ns <= now) {
                g_sleepers.remove(t);
                t.timed_out = true;
                if (t.state == Thread::State::Blocked) {
                    t.state = Thread::State::Runnable;
                    g_run_queue.push_back(t);
                }
            }
        }
        Cpu& cpu = this_cpu();
        Thread& cur = *cpu.current;
        if (&cur == cpu.idle) {
            if (!g_run_queue.empty()) schedule(dead);
        } else if (!(cur.affinity & cpu_bit(cpu.id))) {
            schedule(dead); // moved off this CPU (set_affinity)
        } else {
            if (cur.slice_ticks) cur.slice_ticks--;
            if (cur.slice_ticks == 0 && !g_run_queue.empty()) schedule(dead);
        }
    }
    giant::reacquire_after_switch();
    if (!dead.empty()) {
        // Not here, in interrupt context: the next yield, sleep or idle pass frees them.
        SchedLocker l;
        while (Thread* t = dead.pop_front()) g_dead.push_back(*t);
    }
}
} // namespace sched
} // namespace kernel
