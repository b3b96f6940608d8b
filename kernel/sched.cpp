// The scheduler: a run queue per CPU, each shared fairly by weight (nice value: below,
// "Fair sharing"), threads moving between
// CPUs as Linux's idle balancing does it: a CPU that runs out of work, or whose time
// slice ends while another CPU has threads waiting, takes one from that CPU's queue
// (steal). A new thread goes to an idle CPU if there is one; a woken thread goes back
// to its own CPU's queue, and an idle CPU is kicked to take it if its CPU is busy. A
// queue may hold a thread its CPU may not run any more (sched_setaffinity): only CPUs
// it may run on take it. A CPU with nothing to run runs its own idle thread.
//
// Real time, as Linux's SCHED_FIFO and SCHED_RR (sched(7)): a queued real-time thread
// runs before every fair one, the highest priority first and, among equals, the one
// queued first; it takes the CPU from a lower-priority or fair thread as soon as it is
// woken, created or raised; a FIFO thread runs until it blocks, yields or a higher
// priority comes, an RR thread also goes behind the others of its priority after 100
// ms. Not done: Linux's push/pull of real-time threads to CPUs running lower-priority
// work (only idle CPUs take them, by stealing), and RT throttling (sched_rt_runtime_us).
//
// Locking: each queue has its lock (RunQueue::lock, Linux's rq->lock). A thread belongs
// to one queue at a time, its CPU's (Thread::SchedEntity::last_cpu): that queue's lock guards its
// scheduling fields (kernel/thread.h). lock_thread_rq finds and locks it; last_cpu
// changes only with both queues' locks held (a steal), so either lock keeps it.
// Clang's analysis cannot tell which CPU's lock guards a thread: the fields name
// sched::rq_lock, a stand-in that every run-queue lock claims (so it checks that some
// queue's lock is held; this file takes the right one).
//
// A CPU's own queue lock changes hands across a context switch: the thread that
// switches away holds it, and the thread switched to gives it up (Linux's rq->lock,
// released in finish_task_switch). So a thread just switched away is fully off its CPU
// (registers saved) before any other CPU can lock that queue and take it. Each side
// keeps its interrupt state on its own stack (RqLocker), never in the lock, and the
// lock-order checker's record moves from one thread to the other with the switch.
// Two queue locks are held together only when a CPU steals: it holds its own and tries
// the other's without waiting (Spinlock::try_lock_irqs_off), so no order between queues
// is needed.
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
RunQueueLocks rq_lock;
} // namespace sched

namespace {
using sched::rq_lock;
constexpr unsigned kSliceTicks = 2; // 20 ms at 100 Hz
constexpr unsigned kRrTicks = 100 * arch::kTimerHz / 1000; // SCHED_RR's slice: 100 ms (RR_TIMESLICE)
// Fair sharing, as Linux's CFS: each thread's vruntime grows by the time it runs scaled
// by 1024 / its weight (Linux's sched_prio_to_weight: nice 0 is 1024, and each step of
// nice is about 10% of CPU time); a CPU runs the queued thread that has run least, and a
// tick switches when the running thread is ahead of it by kGranularity. A thread that
// slept comes back at most kSleeperCredit behind the queue's least (so a long sleep is
// no claim on the CPU), a new thread at the least, and a stolen one keeps its distance
// from its old queue's least.
constexpr u64 kGranularity = 10'000'000, kSleeperCredit = 10'000'000; // ns of nice-0 time
// A woken thread takes the CPU from the running one at once, rather than at a tick, when
// it has run this much less (Linux's sched_wakeup_granularity, 1 ms of the woken
// thread's weighed time).
constexpr u64 kWakeupGranularity = 1'000'000;
constexpr u32 kNiceWeights[40] = {
    88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904,
    3906,  3121,  2501,  1991,  1586,  1277,  1024,  820,   655,   526,   423,   335,  272,  215,
    172,   137,   110,   87,    70,    56,    45,    36,    29,    23,    18,    15,
};
constexpr u32 kIdlePolicyWeight = 3; // SCHED_IDLE (Linux's WEIGHT_IDLEPRIO)
constexpr u8 kSchedIdle = 5;

u32 weight_of(const SchedAttr& a) {
    if (a.policy == kSchedIdle) return kIdlePolicyWeight;
    int nice = a.nice < -20 ? -20 : a.nice > 19 ? 19 : a.nice;
    return kNiceWeights[nice + 20];
}
constexpr const char* kRqClass = "sched";
constexpr const char* kStolenRqClass = "sched (another CPU's, stealing)";

void idle_loop(void*);
using ThreadList = Thread::RunList;
using SleeperList = Thread::SleepList;

struct alignas(64) RunQueue {
    Spinlock lock {kRqClass};
    // Runnable threads other than the running one, in the order they will run.
    ThreadList queue LV_GUARDED_BY(rq_lock);
    // Threads that exited here: freed by the next thread to run here, once their stack
    // is not in use.
    ThreadList dead LV_GUARDED_BY(rq_lock);
    SleeperList sleepers LV_GUARDED_BY(rq_lock); // asleep with a deadline (this CPU's tick ends it)
    // Never decreasing: the least vruntime of its running and queued threads, as far as
    // it was seen (where woken and new threads are placed).
    u64 min_vruntime LV_GUARDED_BY(rq_lock) = 0;
    // How many are queued, and how many of those may not run here: written under the
    // lock, read by other CPUs without it as hints (is there anything to steal?).
    u32 queued = 0;
    u32 misplaced = 0;
};
RunQueue g_rqs[smp::kMaxCpus];
Thread g_boot_thread; // the context kernel_main runs on

constexpr u64 cpu_bit(u32 id) { return 1ull << id; }
u32 hint(const u32& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }

// The calling CPU's queue (interrupts off, or the CPU could change under the caller).
RunQueue& my_rq() { return g_rqs[this_cpu().id]; }

void lock_rq(RunQueue& rq) LV_ACQUIRE(rq_lock) LV_NO_THREAD_SAFETY_ANALYSIS { rq.lock.lock_irqs_off(); }
void unlock_rq(RunQueue& rq) LV_RELEASE(rq_lock) LV_NO_THREAD_SAFETY_ANALYSIS { rq.lock.unlock_irqs_off(); }

// Locks the queue `t` belongs to (interrupts off) and returns it.
RunQueue& lock_thread_rq(const Thread& t) LV_ACQUIRE(rq_lock) LV_NO_THREAD_SAFETY_ANALYSIS {
    for (;;) {
        u32 cpu = __atomic_load_n(&t.se().last_cpu, __ATOMIC_RELAXED);
        RunQueue& rq = g_rqs[cpu];
        rq.lock.lock_irqs_off();
        if (__atomic_load_n(&t.se().last_cpu, __ATOMIC_RELAXED) == cpu) return rq;
        rq.lock.unlock_irqs_off(); // it moved meanwhile
    }
}

// The calling CPU's queue lock, with the caller's interrupt state kept here, on its
// stack. The section may switch threads (schedule): the thread then comes back holding
// the lock of the CPU it runs on now, which may be another, and that is the one given up.
class LV_SCOPED_CAPABILITY MyRqLocker {
public:
    MyRqLocker() LV_ACQUIRE(rq_lock) : m_irq(arch::irq_save()) { lock_rq(my_rq()); }
    ~MyRqLocker() LV_RELEASE() {
        unlock_rq(my_rq());
        arch::irq_restore(m_irq);
    }
    MyRqLocker(const MyRqLocker&) = delete;
    MyRqLocker& operator=(const MyRqLocker&) = delete;

private:
    arch::IrqState m_irq;
};

// The lock of the queue a thread belongs to (never held across a switch).
class LV_SCOPED_CAPABILITY RqLocker {
public:
    explicit RqLocker(const Thread& t) LV_ACQUIRE(rq_lock) : m_irq(arch::irq_save()), m_rq(lock_thread_rq(t)) {}
    ~RqLocker() LV_RELEASE() {
        unlock_rq(m_rq);
        arch::irq_restore(m_irq);
    }
    RunQueue& rq() { return m_rq; }
    RqLocker(const RqLocker&) = delete;
    RqLocker& operator=(const RqLocker&) = delete;

private:
    arch::IrqState m_irq;
    RunQueue& m_rq;
};

u32 cpu_of_rq(const RunQueue& rq) { return u32(&rq - g_rqs); }

void enqueue(RunQueue& rq, Thread& t) LV_REQUIRES(rq_lock) {
    t.se().state = Thread::State::Runnable;
    rq.queue.push_back(t);
    __atomic_store_n(&rq.queued, rq.queued + 1, __ATOMIC_RELAXED);
    if (!(t.se().affinity & cpu_bit(cpu_of_rq(rq)))) __atomic_store_n(&rq.misplaced, rq.misplaced + 1, __ATOMIC_RELAXED);
}

void dequeue(RunQueue& rq, Thread& t) LV_REQUIRES(rq_lock) {
    rq.queue.remove(t);
    __atomic_store_n(&rq.queued, rq.queued - 1, __ATOMIC_RELAXED);
    if (!(t.se().affinity & cpu_bit(cpu_of_rq(rq)))) __atomic_store_n(&rq.misplaced, rq.misplaced - 1, __ATOMIC_RELAXED);
}

// Charges `t` (running) for its time on the CPU since exec_start_ns.
void charge(Thread& t, u64 now) LV_REQUIRES(rq_lock) {
    if (t.entry_is(idle_loop)) return; // the idle threads are never weighed
    Thread::SchedEntity& se = t.se();
    if (now > se.exec_start_ns && se.exec_start_ns) se.vruntime += (now - se.exec_start_ns) * 1024 / se.weight;
    se.exec_start_ns = now;
}

// The queued thread allowed on `cpu` to run next (null if none), left queued: the
// real-time one of highest priority, the first queued among equals; else the one that
// has run least.
Thread* fairest(RunQueue& rq, u32 cpu) LV_REQUIRES(rq_lock) {
    Thread* best = nullptr;
    for (Thread& t : rq.queue) {
        if (!(t.se().affinity & cpu_bit(cpu))) continue;
        if (!best || t.se().rt_priority > best->se().rt_priority ||
            (t.se().rt_priority == 0 && best->se().rt_priority == 0 && t.se().vruntime < best->se().vruntime))
            best = &t;
    }
    return best;
}

// From its policy, priority and nice value (a new thread, or sched_setscheduler): its
// weight, its real-time priority and a fresh round-robin slice.
void set_class(Thread& t) LV_REQUIRES(rq_lock) {
    Thread::SchedEntity& se = t.se();
    const SchedAttr& attr = t.sched_attr();
    se.weight = weight_of(attr);
    se.rt_priority = attr.real_time() ? attr.priority : 0;
    se.rt_round_robin = attr.policy == SchedAttr::kRoundRobin;
    se.rr_ticks = kRrTicks;
}

void update_min_vruntime(RunQueue& rq, const Thread* running) LV_REQUIRES(rq_lock) {
    u64 m = ~0ull;
    if (running) m = running->se().vruntime;
    for (Thread& t : rq.queue) m = min(m, t.se().vruntime);
    if (m != ~0ull && m > rq.min_vruntime) rq.min_vruntime = m;
}

// A thread that slept joins `rq` no further behind than kSleeperCredit.
void place_woken(RunQueue& rq, Thread& t) LV_REQUIRES(rq_lock) {
    u64 floor = rq.min_vruntime > kSleeperCredit ? rq.min_vruntime - kSleeperCredit : 0;
    if (t.se().vruntime < floor) t.se().vruntime = floor;
}

bool cpu_idle(unsigned i) {
    Cpu& c = cpu_slot(i);
    return __atomic_load_n(&c.current, __ATOMIC_RELAXED) == c.idle && !hint(g_rqs[i].queued);
}

// A thread was queued on `cpu`'s queue (`allowed`: where it may run): if that CPU is
// idle, it is interrupted to run it; if it is busy, an idle CPU the thread may run on is
// asked to take it (steal), if nobody runs it first. (An idle CPU that is the caller,
// in an interrupt handler, looks for work when the handler returns.) With `preempt`
// (should_preempt) and no idle CPU for it, the busy CPU is interrupted, to switch on its
// way back to user mode; the caller's own CPU does that on its own way back.
void kick_for(u32 cpu, u64 allowed, bool preempt = false) {
    unsigned n = smp::online_count();
    if (n < 2) return;
    arch::IrqState s = arch::irq_save();
    unsigned me = this_cpu().id;
    arch::irq_restore(s);
    Cpu& c = cpu_slot(cpu);
    if (__atomic_load_n(&c.current, __ATOMIC_RELAXED) == c.idle) {
        if (cpu != me) arch::send_ipi(cpu);
        return;
    }
    for (unsigned k = 1; k < n; k++) {
        unsigned i = (cpu + k) % n;
        if ((allowed & cpu_bit(i)) && cpu_idle(i)) {
            if (i != me) arch::send_ipi(i);
            return;
        }
    }
    if (preempt && cpu != me) arch::send_ipi(cpu);
}

// `t` was just queued on `rq`, whose CPU runs another thread: whether it should take
// that CPU now (check_preempt_wakeup): it may run there and has run kWakeupGranularity
// less, weighed by its own weight, than the running thread, whose time is brought up
// to date first. The idle thread is not preempted this way (kick_for wakes it).
bool should_preempt(RunQueue& rq, Thread& t) LV_REQUIRES(rq_lock) {
    u32 cpu = cpu_of_rq(rq);
    Cpu& c = cpu_slot(cpu);
    Thread* cur = c.current; // stable: switches happen under this queue's lock
    const Thread::SchedEntity& se = t.se();
    if (cur == c.idle || !(se.affinity & cpu_bit(cpu))) return false;
    if (se.rt_priority || cur->se().rt_priority) return se.rt_priority > cur->se().rt_priority; // real time: by priority
    charge(*cur, time::monotonic_ns());
    return cur->se().vruntime > se.vruntime + kWakeupGranularity * 1024 / se.weight;
}

// Frees the threads that exited. Called without a queue lock (freeing takes other locks).
void reap(ThreadList& dead) {
    if (dead.empty()) return;
    // Only the stack's and the heap's locks: the thread's process is not touched.
    while (Thread* t = dead.pop_front()) destroy_thread(t);
}

// The end of every switch, on the thread switched to: it now holds its CPU's queue lock
// (taken by the thread it replaced) and takes the lock-order record of it over.
void finish_switch(ThreadList& dead) LV_REQUIRES(rq_lock) {
    lockdep::acquire(kRqClass);
    RunQueue& rq = my_rq();
    while (Thread* t = rq.dead.pop_front()) dead.push_back(*t);
}

// The queued thread to run next on `cpu` (fairest), taken off the queue; null if none,
// or if `prev` (still runnable here) is real time and outranks it: a real-time thread
// gives its CPU up only to its priority or above (a yield goes behind its equals).
Thread* pick_next(RunQueue& rq, u32 cpu, const Thread* prev) LV_REQUIRES(rq_lock) {
    Thread* t = fairest(rq, cpu);
    if (t && prev && prev->se().rt_priority > t->se().rt_priority) return nullptr;
    if (t) dequeue(rq, *t);
    return t;
}

// Another CPU's queue has something for `cpu`: a thread that may not run where it is
// queued, or, when `busy` (cpu has a thread to go on with), at least two waiting; else
// one. A hint, read without the lock.
bool worth_stealing(u32 victim, bool busy) {
    return hint(g_rqs[victim].misplaced) || hint(g_rqs[victim].queued) > (busy ? 1u : 0u);
}

bool anything_to_steal(u32 cpu, bool busy) {
    unsigned n = smp::online_count();
    for (unsigned i = 0; i < n; i++)
        if (i != cpu && worth_stealing(i, busy)) return true;
    return false;
}

// Takes a thread for `cpu` (whose queue `mine` is locked, and has nothing for it) from
// another CPU's queue, as worth_stealing says; null if there is none, or its lock is
// busy. The victim's lock is only tried, never waited for: the two CPUs may be
// stealing from each other.
Thread* steal(RunQueue& mine, u32 cpu, bool busy) LV_REQUIRES(rq_lock) LV_NO_THREAD_SAFETY_ANALYSIS {
    unsigned n = smp::online_count();
    for (unsigned k = 1; k < n; k++) {
        u32 v = (cpu + k) % n;
        if (!worth_stealing(v, busy)) continue;
        RunQueue& rq = g_rqs[v];
        bool locked = false;
        for (int tries = 0; tries < 64 && !(locked = rq.lock.try_lock_irqs_off(kStolenRqClass)); tries++)
            arch::cpu_relax();
        if (!locked) continue;
        // The first that may run here, the highest real-time priority first.
        Thread* found = nullptr;
        bool any = !busy || rq.queued >= 2;
        for (Thread& t : rq.queue) {
            bool here_ok = t.se().affinity & cpu_bit(cpu), there_ok = t.se().affinity & cpu_bit(v);
            if (here_ok && (any || !there_ok) && (!found || t.se().rt_priority > found->se().rt_priority)) found = &t;
        }
        if (found) {
            dequeue(rq, *found);
            __atomic_store_n(&found->se().last_cpu, cpu, __ATOMIC_RELAXED); // both locks held
            // Its distance from the old queue's least, kept in the new one.
            i64 ahead = i64(found->se().vruntime - rq.min_vruntime);
            found->se().vruntime = ahead < 0 && u64(-ahead) > mine.min_vruntime ? 0 : mine.min_vruntime + u64(ahead);
        }
        rq.lock.unlock_irqs_off(kStolenRqClass);
        if (found) return found;
    }
    return nullptr;
}

// Switches to the next runnable thread, if there is one or the current thread cannot go
// on. Returns on the same thread, some time later, with its CPU's queue lock held
// again (maybe another CPU's); `dead` gets the threads to free once it is given up.
void schedule(ThreadList& dead) LV_REQUIRES(rq_lock) {
    Cpu& cpu = this_cpu();
    RunQueue& rq = g_rqs[cpu.id];
    Thread* prev = cpu.current;
    __atomic_store_n(&cpu.need_resched, false, __ATOMIC_RELAXED); // whatever runs next is the choice
    bool prev_stays = prev->state() == Thread::State::Running && (prev->se().affinity & cpu_bit(cpu.id));
    u64 now = time::monotonic_ns();
    charge(*prev, now);
    bool rt_stays = prev_stays && prev != cpu.idle && prev->se().rt_priority;
    Thread* next = pick_next(rq, cpu.id, rt_stays ? prev : nullptr);
    if (!next && smp::online_count() > 1 && !rt_stays) next = steal(rq, cpu.id, prev_stays && prev != cpu.idle);
    if (!next) {
        if (prev_stays) return; // nothing else to run
        next = cpu.idle;
    }
    if (next == prev) return;
    bool kick_prev = false;
    if (prev->state() == Thread::State::Running) {
        if (prev != cpu.idle) {
            enqueue(rq, *prev);
            kick_prev = !prev_stays; // it may not run here: elsewhere, soon
        } else {
            prev->se().state = Thread::State::Runnable;
        }
    } else if (prev->state() == Thread::State::Dead) {
        rq.dead.push_back(*prev); // its stack is in use until we are off it
    }
    next->se().state = Thread::State::Running;
    next->se().slice_ticks = kSliceTicks;
    next->se().exec_start_ns = now;
    update_min_vruntime(rq, next == cpu.idle ? nullptr : next);
    count_context_switch(); // /proc/stat's ctxt
    cpu.progress_ns = now;
    cputime_switch(*prev, *next); // CPU time accounting (kernel/itimer.cpp)
    if (kick_prev) kick_for(cpu.id, prev->se().affinity);
    // Taken back by prev once it runs again. Given up before the switch of address space
    // and registers, which touch only the two threads and this CPU (no other CPU reads
    // or writes a thread's saved registers), so that other CPUs need not wait for them;
    // nothing after this point reads prev's process (a dead thread's may be freed now).
    giant::release_for_switch(*prev);
    // Kernel threads run on no user half at all, so a reaped address space is never live.
    arch::activate_user_root(next->process() && next->process()->as() ? next->process()->as()->root() : 0);
    arch::thread_switch(prev->own().arch_state, next->own().arch_state, next->kstack_top());
    lockdep::release(kRqClass); // prev's record; next takes it over
    __atomic_store_n(&cpu.current, next, __ATOMIC_RELAXED);
    arch::context_switch(prev->own().context, next->own().context);
    // Back on `prev`, some time later, maybe on another CPU.
    finish_switch(dead);
}

// Marks `t` (the current thread) asleep until wake() or `deadline_ns`; false, and `t`
// stays awake, when a wake came since the caller's check (a spurious return, never a
// lost wake).
bool mark_asleep(Thread& t, u64 deadline_ns) LV_REQUIRES(rq_lock) {
    t.se().timed_out = false;
    if (t.se().wake_pending) {
        t.se().wake_pending = false;
        return false;
    }
    if (deadline_ns != kNoDeadline) {
        t.se().wake_deadline_ns = deadline_ns;
        my_rq().sleepers.push_back(t); // its queue: it runs here
    }
    t.se().state = Thread::State::Blocked;
    return true;
}

// Once woken: whether the deadline passed. The waker (wake, or the tick that found the
// deadline passed) took it off its queue's sleepers.
bool after_sleep(Thread& t) LV_REQUIRES(rq_lock) {
    if (t.on_sleep_list()) panic("sched: thread %d woke still listed as a sleeper", t.tid());
    return t.se().timed_out;
}

// Blocks the current thread (with its CPU's queue lock held): until wake(), or
// `deadline_ns`. Returns whether the deadline passed.
bool block_locked(u64 deadline_ns, ThreadList& dead) LV_REQUIRES(rq_lock) {
    Thread& t = *this_cpu().current;
    if (!mark_asleep(t, deadline_ns)) return false;
    schedule(dead);
    return after_sleep(t);
}

void idle_loop(void*) {
    for (;;) {
        ThreadList dead;
        arch::irq_disable();
        RunQueue& rq = my_rq();
        lock_rq(rq);
        u32 me = cpu_of_rq(rq);
        // (What another CPU has may be for other CPUs only, or its lock busy: this CPU
        // then waits; its tick looks again.)
        if (!rq.queue.empty() || anything_to_steal(me, false)) schedule(dead);
        unlock_rq(rq);
        if (!dead.empty()) {
            arch::irq_enable();
            reap(dead);
            continue;
        }
        // Another CPU (or an interrupt here) may queue a thread now: it sends this CPU
        // an interrupt (kick_for), which ends the wait below.
        // Checked with interrupts off, and the wait turns them on atomically: a wake
        // from an interrupt handler is seen at once, not at the next tick.
        arch::wait_for_interrupt();
    }
}
} // namespace

lockdep::HeldLocks* lockdep::current_held_locks() {
    Thread* t = this_cpu().current;
    if (!t) return nullptr;
    return t->own().irq_depth ? &t->own().irq_held_locks : &t->own().held_locks;
}

IrqContext::IrqContext() {
    if (Thread* t = this_cpu().current) t->own().irq_depth++;
    count_interrupt();
}

IrqContext::~IrqContext() {
    if (Thread* t = this_cpu().current) t->own().irq_depth--;
}

namespace {
// The running thread, read with interrupts off: this_cpu() and its `current` are two
// loads, and a thread preempted and moved to another CPU between them would read the
// old CPU's current thread (seen: a pipe mutex recorded as owned by another thread).
Thread* current_thread_ptr() {
    arch::IrqState s = arch::irq_save();
    Thread* t = this_cpu().current;
    arch::irq_restore(s);
    return t;
}
} // namespace

Thread& current_thread() { return *current_thread_ptr(); }

Process& current_process() {
    static Process kernel_process; // kernel threads see an empty process (no address space)
    Thread* t = current_thread_ptr();
    return t && t->process() ? *t->process() : kernel_process;
}

namespace sched {
void thread_start(void* arg) LV_NO_THREAD_SAFETY_ANALYSIS {
    ThreadList dead;
    finish_switch(dead);
    unlock_rq(my_rq());
    arch::irq_enable(); // every thread starts with interrupts on
    reap(dead);
    auto* t = static_cast<Thread*>(arg);
    // Every thread but the idle ones holds it (a user thread gives it up on its way to
    // user mode); the idle threads never take it (reap() frees dead threads without it).
    if (!t->entry_is(idle_loop)) giant::lock();
    t->run_entry();
    panic("kernel thread %s returned", t->name_unlocked());
}

bool idle_running() {
    Cpu& cpu = this_cpu();
    return cpu.current == cpu.idle;
}

u64 idle_runtime_ns(Cpu& cpu) { return cpu.idle ? runtime_ns(*cpu.idle) : 0; }

int runnable_threads() {
    int n = 0;
    for (unsigned i = 0; i < smp::online_count(); i++) {
        Cpu& cpu = cpu_slot(i);
        arch::IrqState s = arch::irq_save();
        lock_rq(g_rqs[i]);
        n += cpu.current != cpu.idle ? 1 : 0;
        for (Thread& t : g_rqs[i].queue) n += !t.entry_is(idle_loop);
        unlock_rq(g_rqs[i]);
        arch::irq_restore(s);
    }
    return n;
}

u64 runtime_ns(const Thread& t) {
    // cputime_switch updates it at each switch, under the queue's lock; a thread running
    // now (here or on another CPU) has the time since it was switched in on top.
    RqLocker l(t);
    u64 ns = t.own().cpu.runtime_ns;
    if (t.state() == Thread::State::Running && t.own().on_cpu_since_ns) ns += time::monotonic_ns() - t.own().on_cpu_since_ns;
    return ns;
}

bool is_runnable(const Thread& t) {
    RqLocker l(t);
    return t.state() == Thread::State::Running || t.state() == Thread::State::Runnable;
}

void init() {
    Cpu& cpu = this_cpu();
    g_boot_thread.set_tid(0);
    arch::thread_state_init(g_boot_thread.own().arch_state);
    {
        MyRqLocker l;
        g_boot_thread.se().state = Thread::State::Running;
        g_boot_thread.se().last_cpu = cpu.id;
        cpu.current = &g_boot_thread;
    }
    // Never queued: schedule() picks it when nothing else is left.
    cpu.idle = create_idle(cpu.id);
    if (!cpu.idle) panic("cannot create the idle thread");
}

Thread* create_idle(u32 cpu) LV_NO_THREAD_SAFETY_ANALYSIS {
    Thread* t = create_thread(nullptr, idle_loop, nullptr, "idle");
    if (!t) return nullptr;
    // Not reachable from anywhere yet: its queue is set before anyone locks it.
    t->se().last_cpu = cpu;
    t->se().affinity = cpu_bit(cpu);
    RqLocker l(*t);
    t->se().state = Thread::State::Running;
    return t;
}

void run_idle() { idle_loop(nullptr); __builtin_unreachable(); }

void add(Thread& t) LV_NO_THREAD_SAFETY_ANALYSIS { // reads t's fields before it is reachable
    // A new thread goes where it last ran (its parent's CPU, inherit_affinity) unless
    // that CPU is busy and another it may run on is idle (Linux's fork balancing).
    unsigned n = smp::online_count();
    u64 allowed = t.se().affinity; // not yet reachable: no lock needed to read it
    u32 cpu = t.se().last_cpu;
    if (!(allowed & cpu_bit(cpu)) || !cpu_idle(cpu)) {
        for (unsigned k = 0; k < n; k++) {
            unsigned i = (cpu + k) % n;
            if ((allowed & cpu_bit(i)) && cpu_idle(i)) {
                cpu = i;
                break;
            }
        }
        if (!(allowed & cpu_bit(cpu)))
            for (unsigned i = 0; i < n; i++)
                if (allowed & cpu_bit(i)) {
                    cpu = i;
                    break;
                }
    }
    __atomic_store_n(&t.se().last_cpu, cpu, __ATOMIC_RELAXED);
    bool preempt;
    {
        RqLocker l(t);
        set_class(t);
        t.se().vruntime = l.rq().min_vruntime; // a new thread starts level with the least
        enqueue(l.rq(), t);
        // A new real-time thread above the running one takes its CPU at once.
        preempt = t.se().rt_priority && should_preempt(l.rq(), t);
        if (preempt) __atomic_store_n(&cpu_slot(cpu).need_resched, true, __ATOMIC_RELAXED);
    }
    kick_for(cpu, allowed, preempt);
}

void set_affinity(Thread& t, u64 mask) {
    bool move_self;
    u32 cpu;
    {
        RqLocker l(t);
        RunQueue& rq = l.rq();
        // A queued thread is counted as misplaced or not by its mask: requeue it.
        bool queued = t.state() == Thread::State::Runnable && t.on_run_list();
        if (queued) dequeue(rq, t);
        t.se().affinity = mask;
        if (queued) enqueue(rq, t);
        cpu = t.se().last_cpu;
        move_self = &t == this_cpu().current && !(mask & cpu_bit(cpu));
    }
    if (move_self) yield(); // schedule() queues it here, and an allowed CPU takes it
    else if (!(mask & cpu_bit(cpu))) kick_for(cpu, mask);
}

void priority_changed(Thread& t) {
    u32 cpu;
    u64 allowed;
    bool preempt = false;
    {
        RqLocker l(t);
        RunQueue& rq = l.rq();
        bool was_rt = t.se().rt_priority;
        set_class(t);
        // Back to fair sharing: level with the queue, not far behind or ahead of it.
        if (was_rt && !t.se().rt_priority) t.se().vruntime = max(t.se().vruntime, rq.min_vruntime);
        cpu = t.se().last_cpu;
        allowed = t.se().affinity;
        Cpu& c = cpu_slot(cpu);
        if (t.state() == Thread::State::Runnable && t.on_run_list()) {
            // Raised above the running thread: it takes the CPU (Linux's prio_changed_rt).
            preempt = should_preempt(rq, t);
        } else if (c.current == &t) {
            // Lowered while running: a thread that now outranks it takes over.
            Thread* best = fairest(rq, cpu);
            preempt = best && best->se().rt_priority > t.se().rt_priority;
        }
        if (preempt) __atomic_store_n(&c.need_resched, true, __ATOMIC_RELAXED);
    }
    if (preempt) kick_for(cpu, allowed, true);
}

u64 affinity(const Thread& t) {
    RqLocker l(t);
    return t.se().affinity;
}

u32 cpu_of(const Thread& t) LV_NO_THREAD_SAFETY_ANALYSIS { return __atomic_load_n(&t.se().last_cpu, __ATOMIC_RELAXED); }

void inherit_affinity(Thread& child, const Thread& parent) {
    RqLocker l(parent);
    child.se().affinity = parent.se().affinity; // child: not reachable yet
    child.se().last_cpu = parent.se().last_cpu;
}

void yield() {
    assert_no_spinlock("yield");
    ThreadList dead;
    {
        MyRqLocker l;
        schedule(dead);
    }
    reap(dead); // needs no giant lock: before it is taken back, not under it
    giant::reacquire_after_switch();
}

void block() {
    assert_no_spinlock("sleeping");
    ThreadList dead;
    {
        MyRqLocker l;
        block_locked(kNoDeadline, dead);
    }
    reap(dead); // needs no giant lock: before it is taken back, not under it
    giant::reacquire_after_switch();
}

bool sleep_until(u64 deadline_ns) {
    assert_no_spinlock("sleeping");
    ThreadList dead;
    bool passed;
    {
        MyRqLocker l;
        passed = block_locked(deadline_ns, dead);
    }
    reap(dead); // needs no giant lock: before it is taken back, not under it
    giant::reacquire_after_switch();
    return passed;
}

bool sleep_releasing(Spinlock& lock, u64 deadline_ns) LV_NO_THREAD_SAFETY_ANALYSIS {
    // `lock` is held, so interrupts are off; it must be the only spinlock held.
    if (spinlocks_held() != 1) panic("sleeping with %u spinlock(s) held", spinlocks_held());
    ThreadList dead;
    lock_rq(my_rq());
    // Marked asleep (under its queue's lock) before `lock` lets a waker in.
    Thread& t = *this_cpu().current;
    if (!mark_asleep(t, deadline_ns)) { // a wake meant for an earlier check: check again
        unlock_rq(my_rq());
        return false;
    }
    arch::IrqState s = lock.release_for_sleep();
    schedule(dead);
    bool passed = after_sleep(t);
    unlock_rq(my_rq()); // this CPU's: the thread may have moved while it slept
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
    u32 cpu;
    u64 allowed;
    bool preempt;
    {
        RqLocker l(t);
        if (t.state() == Thread::State::Running || t.state() == Thread::State::Runnable) t.se().wake_pending = true;
        if (t.state() != Thread::State::Blocked) return;
        if (t.on_sleep_list()) l.rq().sleepers.remove(t);
        place_woken(l.rq(), t);
        enqueue(l.rq(), t);
        cpu = t.se().last_cpu;
        allowed = t.se().affinity;
        preempt = should_preempt(l.rq(), t);
        // Marked under the lock, so the CPU's next switch (which clears it) cannot
        // come between.
        if (preempt) __atomic_store_n(&cpu_slot(cpu).need_resched, true, __ATOMIC_RELAXED);
    }
    kick_for(cpu, allowed, preempt);
}

void preempt_if_needed() {
    arch::IrqState s = arch::irq_save();
    bool need = __atomic_load_n(&this_cpu().need_resched, __ATOMIC_RELAXED);
    arch::irq_restore(s);
    if (need) yield();
}

void kick(Thread& t) {
    u32 cpu;
    {
        RqLocker l(t);
        if (t.state() != Thread::State::Running || t.se().last_cpu == this_cpu().id) return;
        cpu = t.se().last_cpu;
    }
    arch::send_ipi(cpu);
}

[[noreturn]] void exit_current() {
    arch::irq_disable();
    lock_rq(my_rq());
    this_cpu().current->se().state = Thread::State::Dead;
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
                  (now - cpu.progress_ns) / 1'000'000'000, t.name_unlocked(), t.tid());
}

namespace {
// The tick's switch (on_tick), or a request for one when it may not switch now.
void switch_or_ask(Cpu& cpu, bool may_switch, ThreadList& dead) LV_REQUIRES(rq_lock) {
    if (may_switch) schedule(dead);
    else __atomic_store_n(&cpu.need_resched, true, __ATOMIC_RELAXED);
}
} // namespace

void on_tick() {
    // Interrupt context, interrupts off. A switch from here returns here when the
    // interrupted thread runs again. Not while it holds a spinlock (one that leaves
    // interrupts on, kernel/sync/spinlock.h) or is inside a giant::Section: then the
    // switch is only asked for, and made at the next tick or on the way back to user
    // mode.
    ThreadList dead;
    Thread* interrupted = this_cpu().current;
    bool may_switch = this_cpu().spinlocks_held == 0 && !(interrupted && interrupted->own().preempt_off);
    {
        MyRqLocker l;
        RunQueue& rq = my_rq();
        u64 now = time::monotonic_ns();
        for (Thread& t : rq.sleepers) {
            if (t.se().wake_deadline_ns <= now) {
                rq.sleepers.remove(t);
                t.se().timed_out = true;
                if (t.state() == Thread::State::Blocked) {
                    place_woken(rq, t);
                    enqueue(rq, t);
                }
            }
        }
        Cpu& cpu = this_cpu();
        Thread& cur = *cpu.current;
        if (&cur == cpu.idle) {
            if (!rq.queue.empty() || anything_to_steal(cpu.id, false)) switch_or_ask(cpu, may_switch, dead);
        } else if (!(cur.se().affinity & cpu_bit(cpu.id))) {
            switch_or_ask(cpu, may_switch, dead); // moved off this CPU (set_affinity)
        } else if (cur.se().rt_priority) {
            // Real time: a FIFO thread keeps the CPU; an RR thread whose 100 ms are up goes
            // behind the others of its priority, if one waits.
            // (A higher priority queued here takes over at once too, had its wake-up
            // found this CPU in the kernel.)
            charge(cur, now);
            Thread* next = fairest(rq, cpu.id);
            bool rotate = cur.se().rt_round_robin && --cur.se().rr_ticks == 0;
            if (rotate) cur.se().rr_ticks = kRrTicks;
            if (next && (next->se().rt_priority > cur.se().rt_priority || (rotate && next->se().rt_priority == cur.se().rt_priority)))
                switch_or_ask(cpu, may_switch, dead);
        } else {
            charge(cur, now);
            update_min_vruntime(rq, &cur);
            if (cur.se().slice_ticks) cur.se().slice_ticks--;
            // A real-time thread waits here; another thread here has run kGranularity
            // less (weighed); or the slice is over and another CPU has more threads
            // waiting than it can run.
            Thread* fair = fairest(rq, cpu.id);
            if ((fair && (fair->se().rt_priority || cur.se().vruntime > fair->se().vruntime + kGranularity)) ||
                (cur.se().slice_ticks == 0 && !fair && anything_to_steal(cpu.id, true)))
                switch_or_ask(cpu, may_switch, dead);
        }
    }
    giant::reacquire_after_switch();
    if (!dead.empty()) {
        // Not here, in interrupt context: the next yield, sleep or idle pass frees them.
        MyRqLocker l;
        while (Thread* t = dead.pop_front()) my_rq().dead.push_back(*t);
    }
}
} // namespace sched
} // namespace kernel
