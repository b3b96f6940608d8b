// ITIMER_REAL and POSIX timers count monotonic time (a CLOCK_REALTIME timer is
// converted when it is armed); ITIMER_VIRTUAL and ITIMER_PROF count the process's
// user and user+system CPU time at each tick (kernel/itimer.cpp).
#include <kernel/itimer.h>
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <lib/alloc.h>
#include <syscalls/timers.h>

using namespace kernel;

namespace {
enum : int { ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2 };
enum : int { SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4 };
enum : int {
    CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3,
    CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11,
};
constexpr int TIMER_ABSTIME = 1;
constexpr u64 kNsPerUsec = 1000;

struct Timeval {
    i64 sec, usec;
};
struct Itimerval {
    Timeval interval, value;
};
struct Timespec {
    i64 sec, nsec;
};
struct Itimerspec {
    Timespec interval, value;
};
// struct sigevent: sigev_value, sigev_signo, sigev_notify, then a union whose first
// int is the thread id of SIGEV_THREAD_ID. 64 bytes.
struct Sigevent {
    u64 value;
    i32 signo, notify;
    i32 tid;
    i32 pad[11];
};
static_assert(sizeof(Sigevent) == 64);

ErrorOr<u64> to_ns(const Timeval& t) {
    if (t.sec < 0 || t.usec < 0 || t.usec >= 1000000) return Errno::EINVAL;
    return u64(t.sec) * time::kNsPerSec + u64(t.usec) * kNsPerUsec;
}
ErrorOr<u64> to_ns(const Timespec& t) {
    if (t.sec < 0 || t.nsec < 0 || t.nsec >= i64(time::kNsPerSec)) return Errno::EINVAL;
    return u64(t.sec) * time::kNsPerSec + u64(t.nsec);
}
Timeval to_timeval(u64 ns) {
    // A running timer never reads as zero: Linux rounds what is left up to 1 us.
    u64 us = (ns + kNsPerUsec - 1) / kNsPerUsec;
    return {i64(us / 1000000), i64(us % 1000000)};
}
Timespec to_timespec(u64 ns) { return {i64(ns / time::kNsPerSec), i64(ns % time::kNsPerSec)}; }

Itimerval get_itimer(ProcessTimers& pt, int which) LV_REQUIRES(g_timer_lock) {
    switch (which) {
    case ITIMER_REAL: return {to_timeval(pt.real.interval_ns), to_timeval(timer_remaining_ns(pt.real))};
    case ITIMER_VIRTUAL: return {to_timeval(pt.virt.interval_ns), to_timeval(pt.virt.left_ns)};
    default: return {to_timeval(pt.prof.interval_ns), to_timeval(pt.prof.left_ns)};
    }
}

ErrorOr<Timer*> posix_timer(int id) LV_REQUIRES(g_timer_lock) {
    Timer* t = find_posix_timer(current_process(), id);
    if (!t) return Errno::EINVAL;
    return t;
}

Itimerspec get_posix(const Timer& t) LV_REQUIRES(g_timer_lock) {
    return {to_timespec(t.interval_ns), to_timespec(timer_remaining_ns(t))};
}
} // namespace

ErrorOr<long> sys_getitimer(int which, UserPtr<void> value) {
    if (which < ITIMER_REAL || which > ITIMER_PROF) return Errno::EINVAL;
    ProcessTimers* pt = TRY(timers_of(current_process()));
    Itimerval v;
    {
        SpinlockLocker l(g_timer_lock);
        v = get_itimer(*pt, which);
    }
    TRY(UserPtr<Itimerval>::from(value).write(v));
    return 0;
}

ErrorOr<long> sys_setitimer(int which, UserPtr<void> value, UserPtr<void> old) {
    if (which < ITIMER_REAL || which > ITIMER_PROF) return Errno::EINVAL;
    // A null new value disarms (an old Linux misfeature it keeps).
    Itimerval nv {};
    if (!value.is_null()) nv = TRY(UserPtr<Itimerval>::from(value).read());
    u64 val = TRY(to_ns(nv.value)), interval = TRY(to_ns(nv.interval));
    ProcessTimers* pt = TRY(timers_of(current_process()));
    Itimerval ov;
    {
        SpinlockLocker l(g_timer_lock);
        ov = get_itimer(*pt, which);
        if (which == ITIMER_REAL) {
            arm_timer(pt->real, val, interval);
        } else {
            CpuItimer& it = which == ITIMER_VIRTUAL ? pt->virt : pt->prof;
            it.left_ns = val;
            it.interval_ns = interval;
            // An expiry the tick counted for the old setting, not yet signalled, is void.
            (which == ITIMER_VIRTUAL ? pt->virt_fired : pt->prof_fired) = false;
        }
    }
    if (!old.is_null()) TRY(UserPtr<Itimerval>::from(old).write(ov));
    return 0;
}

ErrorOr<long> sys_alarm(unsigned seconds) {
    ProcessTimers* pt = TRY(timers_of(current_process()));
    Itimerval ov;
    {
        SpinlockLocker l(g_timer_lock);
        ov = get_itimer(*pt, ITIMER_REAL);
        arm_timer(pt->real, u64(seconds) * time::kNsPerSec, 0);
    }
    // The seconds that were left, rounded to the nearest, and never 0 for a running
    // alarm (alarm_setitimer).
    i64 left = ov.value.sec;
    if ((!left && ov.value.usec) || ov.value.usec >= 500000) left++;
    return left;
}

ErrorOr<long> sys_timer_create(int clock, UserPtr<void> sevp, UserPtr<int> timerid) {
    // A dynamic CPU clock id (clock_getcpuclockid, pthread_getcpuclockid: see
    // kernel/itimer.h) of the caller's process or one of its threads is that CPU
    // clock; exact run time counts for PROF and SCHED alike.
    int cpu_tid = 0;
    if (clock < 0) {
        if ((clock & 3) == kCpuVirt) return Errno::EOPNOTSUPP; // FIXME: user-time-only (VIRT) CPU timers
        giant::Section g;
        CpuClock c = TRY(cpu_clock(clock));
        if (c.thread) {
            cpu_tid = c.thread->tid();
            clock = CLOCK_THREAD_CPUTIME_ID;
        } else if (c.process == &current_process()) {
            clock = CLOCK_PROCESS_CPUTIME_ID;
        } else {
            return Errno::EOPNOTSUPP; // FIXME: timers on another process's CPU clock
        }
    }
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_TAI: break;
    case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:
        // Alarm clocks wake a suspended system: CAP_WAKE_ALARM. Nothing suspends here.
        if (!capable(current_process())) return Errno::EPERM;
        break;
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: break; // counted by the tick
    default:
        return Errno::EINVAL;
    }
    Process& p = current_process();
    Sigevent ev {};
    bool have_event = !sevp.is_null();
    if (have_event) ev = TRY(UserPtr<Sigevent>::from(sevp).read());
    else ev.notify = SIGEV_SIGNAL, ev.signo = SIGALRM; // value: the timer id (below)
    // Linux's good_sigevent.
    switch (ev.notify) {
    case SIGEV_THREAD_ID: {
        giant::Section g;
        bool mine = false;
        for (Thread& t : p.threads())
            if (t.tid() == ev.tid) mine = true;
        if (!mine) return Errno::EINVAL;
    }
        [[fallthrough]];
    case SIGEV_SIGNAL: case SIGEV_THREAD:
        if (ev.signo <= 0 || ev.signo > kNumSignals) return Errno::EINVAL;
        break;
    case SIGEV_NONE: break;
    default: return Errno::EINVAL;
    }
    ProcessTimers* pt = TRY(timers_of(p));
    auto* t = lv::make<Timer>();
    if (!t) return Errno::ENOMEM;
    t->process = &p;
    t->kind = TimerKind::Posix;
    t->clock = clock;
    t->cpu_clock = clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
    if (clock == CLOCK_THREAD_CPUTIME_ID) t->cpu_tid = cpu_tid ? cpu_tid : current_thread().tid();
    t->notify = ev.notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev.notify; // the libc runs SIGEV_THREAD itself
    t->signo = ev.signo;
    t->target_tid = ev.tid;
    int id;
    {
        SpinlockLocker l(g_timer_lock);
        if (pt->count >= p.rlimit_cur(kRlimitSigpending)) {
            lv::destroy(t);
            return Errno::EAGAIN;
        }
        // Ids count up from 0 per process, skipping ones in use (Linux's posix_timer_add).
        do {
            t->id = pt->next_id;
            pt->next_id = pt->next_id == 0x7fffffff ? 0 : pt->next_id + 1;
        } while (find_posix_timer(p, t->id));
        t->value = have_event ? ev.value : u64(t->id);
        pt->posix.push_back(*t);
        pt->count++;
        id = t->id;
    }
    auto r = timerid.write(id);
    if (r.is_error()) {
        SpinlockLocker l(g_timer_lock);
        if (Timer* mine = find_posix_timer(p, id)) delete_posix_timer(*mine); // unless deleted meanwhile
        return r.error();
    }
    return 0;
}

// The timer stays valid only under g_timer_lock (another thread may delete it), so each
// call below finds and uses it under one hold, with user copies outside.
ErrorOr<long> sys_timer_settime(int id, int flags, UserPtr<void> value, UserPtr<void> old) {
    Itimerspec nv = TRY(UserPtr<Itimerspec>::from(value).read());
    u64 val = TRY(to_ns(nv.value)), interval = TRY(to_ns(nv.interval));
    Itimerspec ov;
    {
        SpinlockLocker l(g_timer_lock);
        Timer* t = TRY(posix_timer(id));
        ov = get_posix(*t);
        u64 delay = val;
        if (val && (flags & TIMER_ABSTIME)) {
            // An absolute time on the timer's clock, as a delay from now (a time already
            // past fires at the next tick). FIXME: clock_settime does not move armed
            // CLOCK_REALTIME timers.
            bool mono = t->clock == CLOCK_MONOTONIC || t->clock == CLOCK_BOOTTIME || t->clock == CLOCK_BOOTTIME_ALARM;
            KTimespec now = mono ? time::monotonic_now() : time::realtime_now();
            u64 now_ns = u64(now.sec) * time::kNsPerSec + u64(now.nsec);
            if (t->clock == CLOCK_PROCESS_CPUTIME_ID) now_ns = process_runtime_ns(*t->process);
            if (t->clock == CLOCK_THREAD_CPUTIME_ID) {
                for (Thread& th : t->process->threads())
                    if (th.tid() == t->cpu_tid) now_ns = thread_runtime_ns(th);
            }
            delay = val > now_ns ? val - now_ns : 1;
        }
        t->overrun_pending = 0;
        arm_timer(*t, delay, interval);
    }
    if (!old.is_null()) TRY(UserPtr<Itimerspec>::from(old).write(ov));
    return 0;
}

ErrorOr<long> sys_timer_gettime(int id, UserPtr<void> value) {
    Itimerspec v;
    {
        SpinlockLocker l(g_timer_lock);
        v = get_posix(*TRY(posix_timer(id)));
    }
    TRY(UserPtr<Itimerspec>::from(value).write(v));
    return 0;
}

ErrorOr<long> sys_timer_getoverrun(int id) {
    SpinlockLocker l(g_timer_lock);
    return long(TRY(posix_timer(id))->overrun_last);
}

ErrorOr<long> sys_timer_delete(int id) {
    SpinlockLocker l(g_timer_lock);
    delete_posix_timer(*TRY(posix_timer(id)));
    return 0;
}
