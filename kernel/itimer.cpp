#include <kernel/cpu_stat.h>
#include <kernel/cpu.h>
#include <kernel/itimer.h>
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <kernel/work.h>
#include <lib/alloc.h>

namespace kernel {
Spinlock g_timer_lock {"timers"};

namespace {
constexpr u64 kTickNs = time::kNsPerSec / arch::kTimerHz;

// ---------------------------------------------------------------- accounting
// Linux's cputime_adjust: split the exact runtime `rtime` in the proportion of the
// sampled ticks, never reporting less user or system time than last time.
CpuSplit adjust(u64 rtime, u64 uticks, u64 sticks, CpuSplit& prev) {
    if (prev.utime_ns + prev.stime_ns >= rtime) return prev;
    u64 stime;
    if (sticks == 0) stime = 0;
    else if (uticks == 0) stime = rtime;
    else {
        // rtime * sticks / total without 128-bit division (no libgcc in the kernel); the
        // tick counts stay far below 2^32, so the remainder's product fits in 64 bits.
        u64 total = uticks + sticks;
        stime = rtime / total * sticks + rtime % total * sticks / total;
    }
    if (stime < prev.stime_ns) stime = prev.stime_ns;
    u64 utime = rtime - stime;
    if (utime < prev.utime_ns) {
        utime = prev.utime_ns;
        stime = rtime - utime;
    }
    prev = {utime, stime};
    return prev;
}

// Load average as Linux's calc_load: every 5 s, an exponential decay towards the number
// of runnable threads, in 11-bit fixed point.
constexpr u64 kFixed1 = 1 << 11;
constexpr u64 kExp[3] = {1884, 2014, 2037}; // 1/exp(5s/1min), 5 min, 15 min
constexpr u64 kLoadTicks = 5 * arch::kTimerHz;
u64 g_avenrun[3];
u64 g_load_countdown = kLoadTicks;

void update_load() LV_REQUIRES_GIANT {
    u64 active = 0;
    for (Process& p : all_processes())
        for (Thread& t : p.threads())
            if (sched::is_runnable(t)) active++;
    for (int i = 0; i < 3; i++) {
        u64 load = g_avenrun[i] * kExp[i] + active * kFixed1 * (kFixed1 - kExp[i]);
        if (active * kFixed1 >= g_avenrun[i]) load += kFixed1 - 1; // round up while rising
        g_avenrun[i] = load / kFixed1;
    }
}

// ---------------------------------------------------------------- timers
lv::IntrusiveList<Timer, &Timer::armed_node> g_armed LV_GUARDED_BY(g_timer_lock); // sorted by deadline
// Processes whose CPU-time timers the tick found expired, to be notified.
lv::IntrusiveList<ProcessTimers, &ProcessTimers::fired_node> g_fired LV_GUARDED_BY(g_timer_lock);

void insert_sorted(Timer& t) LV_REQUIRES(g_timer_lock) {
    for (Timer& o : g_armed) {
        if (o.deadline_ns > t.deadline_ns) {
            g_armed.insert_before(o, t);
            return;
        }
    }
    g_armed.push_back(t);
}

void disarm(Timer& t) LV_REQUIRES(g_timer_lock) {
    if (t.armed()) g_armed.remove(t);
}

// Sends the timer's notification.
void notify(Timer& t) LV_REQUIRES(g_timer_lock, giant::the_lock) {
    Process& p = *t.process;
    if (t.kind == TimerKind::Real) {
        Thread::SigInfo info;
        info.code = SI_KERNEL;
        send_signal_info(p, SIGALRM, info);
        return;
    }
    constexpr int SIGEV_NONE = 1, SIGEV_THREAD_ID = 4;
    if (t.notify == SIGEV_NONE) return;
    if (t.signal_queued) {
        t.overrun_pending++; // the last signal is still pending: count, do not queue
        return;
    }
    Thread::SigInfo info;
    info.code = SI_TIMER;
    info.pid = t.id;
    info.value = t.value;
    t.signal_queued = true;
    t.overrun_pending = 0;
    if (t.notify == SIGEV_THREAD_ID) {
        for (Thread& th : p.threads()) {
            if (th.tid() == t.target_tid) {
                send_signal_info(th, t.signo, info);
                return;
            }
        }
    }
    send_signal_info(p, t.signo, info); // SIGEV_SIGNAL, or the target thread has exited
}

// Fires `t` (due at or before now) and re-arms a periodic one, counting the periods the
// tick's granularity skipped as overruns.
void expire(Timer& t, u64 now) LV_REQUIRES(g_timer_lock, giant::the_lock) {
    disarm(t);
    if (t.process->zombie()) return;
    notify(t);
    if (!t.interval_ns) return;
    u64 missed = (now - t.deadline_ns) / t.interval_ns;
    t.deadline_ns += (missed + 1) * t.interval_ns;
    if (t.kind == TimerKind::Posix && t.signal_queued) t.overrun_pending += u32(missed);
    insert_sorted(t);
}

// The tick's part, without the giant lock: one tick of CPU time for the CPU-time timers
// of the running process, whose expirations are left for the timer work. POSIX timers
// on the CPU-time clocks of `pt`'s process (of `current`'s thread clock, or the
// process's); true if one expired.
bool count_down_cpu_timers(ProcessTimers& pt, Thread& current) LV_REQUIRES(g_timer_lock) {
    bool fired = false;
    for (Timer& t : pt.posix) {
        if (!t.cpu_clock || !t.cpu_left_ns) continue;
        if (t.cpu_tid && t.cpu_tid != current.tid()) continue;
        if (t.cpu_left_ns > kTickNs) {
            t.cpu_left_ns -= kTickNs;
            continue;
        }
        t.cpu_left_ns = t.interval_ns;
        t.cpu_fires++;
        fired = true;
    }
    return fired;
}

// ITIMER_VIRTUAL / ITIMER_PROF: one tick of CPU time; true if it expired.
bool count_down(CpuItimer& it) LV_REQUIRES(g_timer_lock) {
    if (!it.left_ns) return false;
    if (it.left_ns > kTickNs) {
        it.left_ns -= kTickNs;
        return false;
    }
    it.left_ns = it.interval_ns;
    return true;
}

// The timer work's part (kernel/work.h), holding the giant lock: notify what expired.
void notify_fired(ProcessTimers& pt) LV_REQUIRES(g_timer_lock, giant::the_lock) {
    Process& p = *pt.real.process;
    Thread::SigInfo info;
    info.code = SI_KERNEL;
    if (pt.virt_fired) send_signal_info(p, SIGVTALRM, info);
    if (pt.prof_fired) send_signal_info(p, SIGPROF, info);
    pt.virt_fired = pt.prof_fired = false;
    for (Timer& t : pt.posix) {
        for (; t.cpu_fires; t.cpu_fires--) notify(t); // the second and later count as overruns
    }
}
} // namespace

void cputime_switch(Thread& prev, Thread& next) {
    u64 now = time::monotonic_ns();
    if (prev.own().on_cpu_since_ns) prev.own().cpu.runtime_ns += now - prev.own().on_cpu_since_ns;
    next.own().on_cpu_since_ns = now;
    // A dead thread is about to be freed: its runtime stays with the process. (The last
    // thread of a process passes here before the parent can reap the zombie.)
    // Atomic: two threads of the process may end on two CPUs at once (each under its own
    // run queue's lock).
    if (prev.state() == Thread::State::Dead && prev.process())
        prev.process()->add_dead_thread_runtime(prev.own().cpu.runtime_ns);
}

namespace {
// The timer work (kernel/work.h): timers whose deadline passed, and the CPU-time
// expirations the ticks counted, notified with the giant lock held (signals need it).
void run_timers(void*) LV_REQUIRES_GIANT LV_EXCLUDES(g_timer_lock) {
    SpinlockLocker l(g_timer_lock);
    u64 now = time::monotonic_ns();
    while (Timer* first = g_armed.first()) {
        if (first->deadline_ns > now) break;
        expire(*first, now);
    }
    while (ProcessTimers* pt = g_fired.pop_front()) notify_fired(*pt);
}
work::Item g_timer_work {run_timers, nullptr};

void run_load_average(void*) LV_REQUIRES_GIANT { update_load(); } // the process table
work::Item g_load_work {run_load_average, nullptr};

// The tick's part of the timers: the running process's CPU-time timers, and whether
// the timer work has something to do.
bool tick_timers(Thread& t, bool from_user) LV_EXCLUDES(g_timer_lock) {
    SpinlockLocker l(g_timer_lock);
    if (Process* p = t.process()) {
        if (ProcessTimers* pt = p->timers()) {
            bool virt = from_user && count_down(pt->virt), prof = count_down(pt->prof);
            bool posix = count_down_cpu_timers(*pt, t);
            pt->virt_fired |= virt;
            pt->prof_fired |= prof;
            if ((virt || prof || posix) && !pt->fired_node.linked()) g_fired.push_back(*pt);
        }
    }
    Timer* first = g_armed.first();
    return !g_fired.empty() || (first && first->deadline_ns <= time::monotonic_ns());
}
} // namespace

void timer_tick(bool from_user) {
    // Interrupt context, interrupts off, without the giant lock (kernel/entry.h's
    // IrqContext): what needs it, the signals of expired timers and the load average's
    // walk over the process table, is left to the work thread (kernel/work.h).
    Thread& t = current_thread();
    account_tick(from_user, t.sched_attr().nice); // /proc/stat
    if (Process* p = t.process()) {
        (from_user ? t.own().cpu.user_ticks : t.own().cpu.system_ticks)++;
        p->add_tick_ns(from_user, kTickNs);
    }
    if (tick_timers(t, from_user)) work::queue(g_timer_work);
    if (this_cpu().id == 0 && --g_load_countdown == 0) { // one CPU's ticks time it
        g_load_countdown = kLoadTicks;
        work::queue(g_load_work);
    }
}

u64 thread_runtime_ns(const Thread& t) { return sched::runtime_ns(t); }

ErrorOr<CpuClock> cpu_clock(int clock) {
    CpuClock c;
    int id = ~(clock >> 3);
    c.which = clock & 3;
    if (c.which == 3) return Errno::EINVAL;
    if (clock & 4) {
        if (id == 0) c.thread = &current_thread();
        for (Thread& t : current_process().threads())
            if (!c.thread && t.tid() == id) c.thread = &t;
        if (!c.thread) return Errno::EINVAL;
    } else {
        c.process = id == 0 ? &current_process() : find_process(id);
        if (!c.process || c.process->zombie()) return Errno::EINVAL;
    }
    return c;
}

u64 cpu_clock_ns(const CpuClock& c) {
    if (c.which == kCpuSched) return c.thread ? thread_runtime_ns(*c.thread) : process_runtime_ns(*c.process);
    CpuSplit s = c.thread ? thread_cpu(*c.thread) : process_cpu(*c.process);
    return c.which == kCpuVirt ? s.utime_ns : s.utime_ns + s.stime_ns;
}

u64 process_runtime_ns(const Process& p) {
    giant::Section g;
    u64 ns = p.dead_threads_runtime_ns();
    for (const Thread& t : const_cast<Process&>(p).threads()) ns += thread_runtime_ns(t);
    return ns;
}

CpuSplit thread_cpu(Thread& t) {
    giant::Section g;
    return adjust(thread_runtime_ns(t), t.own().cpu.user_ticks, t.own().cpu.system_ticks, t.reported_cpu());
}

CpuSplit process_cpu(Process& p) {
    giant::Section g;
    return adjust(process_runtime_ns(p), p.tick_utime_ns() / kTickNs, p.tick_stime_ns() / kTickNs, p.reported_cpu());
}

CpuSplit child_total_cpu(Process& child) {
    CpuSplit own = process_cpu(child);
    return {own.utime_ns + child.children_cpu().utime_ns, own.stime_ns + child.children_cpu().stime_ns};
}

void add_reaped_child(Process& parent, Process& child) {
    CpuSplit c = child_total_cpu(child);
    giant::Section g;
    parent.add_children_cpu(c);
}

void load_average(u64 (&loads)[3]) {
    giant::Section g;
    for (int i = 0; i < 3; i++) loads[i] = g_avenrun[i] << 5; // FSHIFT 11 -> SI_LOAD_SHIFT 16
}

ErrorOr<ProcessTimers*> timers_of(Process& p) {
    if (ProcessTimers* made = p.timers_relaxed()) return made;
    auto* pt = lv::make<ProcessTimers>();
    if (!pt) return Errno::ENOMEM;
    pt->real.process = &p;
    pt->real.kind = TimerKind::Real;
    SpinlockLocker l(g_timer_lock);
    if (p.timers()) { // made meanwhile by another thread
        lv::destroy(pt);
        return p.timers();
    }
    p.set_timers(pt); // a release store: timers_relaxed
    return pt;
}

void release_timers(Process& p) {
    ProcessTimers* pt;
    {
        SpinlockLocker l(g_timer_lock);
        pt = p.timers();
        if (!pt) return;
        p.set_timers(nullptr);
        if (pt->fired_node.linked()) g_fired.remove(*pt);
        disarm(pt->real);
        while (Timer* t = pt->posix.pop_front()) {
            disarm(*t);
            lv::destroy(t);
        }
    }
    lv::destroy(pt);
}

void arm_timer(Timer& t, u64 delay_ns, u64 interval_ns) {
    disarm(t);
    t.interval_ns = interval_ns;
    if (t.cpu_clock) {
        t.cpu_left_ns = delay_ns;
        t.cpu_fires = 0; // expirations the tick counted for the old setting are void
        return;
    }
    if (!delay_ns) return;
    u64 now = time::monotonic_ns();
    t.deadline_ns = now + delay_ns;
    insert_sorted(t);
}

u64 timer_remaining_ns(const Timer& t) {
    if (t.cpu_clock) return t.cpu_left_ns;
    if (!t.armed()) return 0;
    u64 now = time::monotonic_ns();
    // Due but not yet fired (the next tick will): report the smallest nonzero value, as
    // Linux does for a timer that is still armed.
    return t.deadline_ns > now ? t.deadline_ns - now : 1;
}

void timer_signal_dequeued(Process& p, Thread::SigInfo& info) {
    SpinlockLocker l(g_timer_lock);
    Timer* t = find_posix_timer(p, info.pid);
    if (!t || !t->signal_queued) return;
    t->signal_queued = false;
    t->overrun_last = t->overrun_pending;
    t->overrun_pending = 0;
    info.uid = t->overrun_last; // si_overrun
}

Timer* find_posix_timer(Process& p, int id) {
    if (!p.timers()) return nullptr;
    for (Timer& t : p.timers()->posix)
        if (t.id == id) return &t;
    return nullptr;
}

void delete_posix_timers(Process& p) {
    SpinlockLocker l(g_timer_lock);
    while (Timer* t = p.timers() ? p.timers()->posix.first() : nullptr) delete_posix_timer(*t);
}

void delete_posix_timer(Timer& t) {
    {
        // Under the giant lock too (the caller's): the pending signals are its.
        disarm(t);
        Process& p = *t.process;
        p.timers()->posix.remove(t);
        p.timers()->count--;
        // Its queued signal goes with it (Linux frees the preallocated sigqueue entry).
        if (t.signal_queued && t.signo > 0) {
            int sig = t.signo, id = t.id;
            auto drop = [sig, id](PendingSignals& q) {
                if (q.has(sig) && q.info(sig).code == SI_TIMER && q.info(sig).pid == id) q.discard(PendingSignals::bit(sig));
            };
            drop(p.pending());
            for (Thread& th : p.threads()) drop(th.pending());
        }
    }
    lv::destroy(&t);
}
} // namespace kernel
