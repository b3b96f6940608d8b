// sched(7). Policies, priorities and nice values are per thread, as in Linux
// (setpriority(PRIO_PROCESS, pid) names one thread: the main thread for a pid). The
// scheduler runs the real-time policies first, by priority, and weighs the rest by nice
// value and SCHED_IDLE (sched::priority_changed, kernel/sched.cpp). CPU affinity is
// honoured (kernel/sched.h).
#include <kernel/cred.h>
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <syscalls/sched.h>

using namespace kernel;

namespace {
enum : int {
    SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5,
    SCHED_RESET_ON_FORK = 0x40000000,
};
enum : int { PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2 };
constexpr u64 kCpuMaskBytes = 8; // one unsigned long: up to 64 CPUs (smp::kMaxCpus is less)

u64 online_mask() { return (1ull << smp::online_count()) - 1; }
// What sched_rr_get_interval reports: Linux's RR_TIMESLICE (100 ms) for SCHED_RR, and
// the scheduler's base slice (2 ticks, kernel/sched.cpp) for the fair policies.
constexpr u64 kRrIntervalNs = 100000000, kSliceNs = 2 * time::kNsPerSec / arch::kTimerHz;

bool is_rt(int policy) { return policy == SCHED_FIFO || policy == SCHED_RR; }
bool valid_policy(int policy) {
    return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR || policy == SCHED_BATCH ||
           policy == SCHED_IDLE;
}

// A thread by id (0: the caller). Under the giant lock while the result is used.
Thread* find_thread(int tid) LV_REQUIRES_GIANT {
    if (tid == 0) return &current_thread();
    Thread* found = nullptr;
    for (Process& p : all_processes()) {
        if (p.zombie()) continue;
        for (Thread& t : p.threads())
            if (t.tid() == tid) found = &t;
    }
    return found;
}

// Linux's check_same_owner: the caller's euid is the target's real or effective uid.
bool same_owner(const Thread& t) {
    Credentials self = current_process().creds();
    Credentials c = t.process()->creds();
    return self.euid == c.euid || self.euid == c.uid || capable(self);
}

// RLIMIT_NICE allows nice values down to 20 - limit (can_nice()).
bool can_nice(int nice) {
    const Process& p = current_process();
    return u64(20 - nice) <= p.rlimit_cur(kRlimitNice) || capable(p);
}

ErrorOr<long> set_scheduler(int pid, int policy, UserPtr<int> param, bool keep_policy) {
    if (param.is_null() || pid < 0) return Errno::EINVAL;
    int prio = TRY(param.read());
    giant::Section g;
    Thread* t = find_thread(pid);
    if (!t) return Errno::ESRCH;
    bool reset = t->sched_attr().reset_on_fork;
    if (keep_policy) {
        policy = t->sched_attr().policy;
    } else {
        reset = policy & SCHED_RESET_ON_FORK;
        policy &= ~SCHED_RESET_ON_FORK;
    }
    if (!valid_policy(policy)) return Errno::EINVAL;
    if (prio < 0 || prio > 99 || is_rt(policy) != (prio != 0)) return Errno::EINVAL;
    const Process& self = current_process();
    if (!capable(self)) {
        // The unprivileged rules of __sched_setscheduler: real-time priority up to
        // RLIMIT_RTPRIO, no leaving SCHED_IDLE beyond RLIMIT_NICE, no clearing
        // reset-on-fork, and only one's own threads.
        if (is_rt(policy) && u64(prio) > self.rlimit_cur(kRlimitRtprio) && prio > t->sched_attr().priority)
            return Errno::EPERM;
        if (t->sched_attr().policy == SCHED_IDLE && policy != SCHED_IDLE && !can_nice(t->sched_attr().nice)) return Errno::EPERM;
        if (t->sched_attr().reset_on_fork && !reset) return Errno::EPERM;
        if (!same_owner(*t)) return Errno::EPERM;
    }
    t->sched_attr().policy = u8(policy);
    t->sched_attr().priority = u8(prio);
    t->sched_attr().reset_on_fork = reset;
    sched::priority_changed(*t);
    return 0;
}

bool prio_matches(const Process& p, const Thread& t, int which, int who) LV_REQUIRES_GIANT {
    const Process& self = current_process();
    switch (which) {
    case PRIO_PROCESS: return t.tid() == (who ? who : current_thread().tid());
    case PRIO_PGRP: return p.pgid() == (who ? who : self.pgid());
    default: return p.creds().uid == (who ? u32(who) : self.creds().uid);
    }
}

// Calls f(process, thread) for every live thread that `which`/`who` names.
template <typename F>
void for_each_prio_target(int which, int who, F f) LV_REQUIRES_GIANT {
    for (Process& p : all_processes()) {
        if (p.zombie()) continue;
        for (Thread& t : p.threads())
            if (prio_matches(p, t, which, who)) f(t);
    }
}
} // namespace

ErrorOr<long> sys_sched_getaffinity(int pid, u32 len, UserPtr<u8> mask) {
    // Linux: the buffer must hold every possible CPU and be a whole number of longs.
    if (len * 8ull < 1 || (len & 7)) return Errno::EINVAL;
    if (pid < 0) return Errno::ESRCH;
    u64 bits;
    {
        giant::Section g;
        Thread* t = find_thread(pid);
        if (!t) return Errno::ESRCH;
        bits = sched::affinity(*t) & online_mask();
    }
    TRY(mm::copy_to_user(mask.addr(), &bits, kCpuMaskBytes));
    return long(kCpuMaskBytes); // the size of the kernel's mask, as Linux returns
}

ErrorOr<long> sys_sched_setaffinity(int pid, u32 len, UserPtr<u8> mask) {
    // A shorter buffer is zero-extended, a longer one truncated (get_user_cpu_mask).
    u64 bits = 0;
    TRY(mm::copy_from_user(&bits, mask.addr(), min<u64>(len, kCpuMaskBytes)));
    if (pid < 0) return Errno::ESRCH;
    giant::Section g;
    Thread* t = find_thread(pid);
    if (!t) return Errno::ESRCH;
    if (!same_owner(*t)) return Errno::EPERM;
    if (!(bits & online_mask())) return Errno::EINVAL; // no allowed CPU is online
    // Linux keeps the mask as given (CPUs that come online later are allowed then).
    sched::set_affinity(*t, bits);
    return 0;
}

ErrorOr<long> sys_sched_getparam(int pid, UserPtr<int> param) {
    if (param.is_null() || pid < 0) return Errno::EINVAL;
    int prio;
    {
        giant::Section g;
        Thread* t = find_thread(pid);
        if (!t) return Errno::ESRCH;
        prio = t->sched_attr().priority;
    }
    TRY(param.write(prio));
    return 0;
}

ErrorOr<long> sys_sched_setparam(int pid, UserPtr<int> param) { return set_scheduler(pid, 0, param, true); }
ErrorOr<long> sys_sched_setscheduler(int pid, int policy, UserPtr<int> param) {
    return set_scheduler(pid, policy, param, false);
}

ErrorOr<long> sys_sched_getscheduler(int pid) {
    if (pid < 0) return Errno::EINVAL;
    giant::Section g;
    Thread* t = find_thread(pid);
    if (!t) return Errno::ESRCH;
    return t->sched_attr().policy | (t->sched_attr().reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

ErrorOr<long> sys_sched_get_priority_max(int policy) {
    if (!valid_policy(policy)) return Errno::EINVAL;
    return is_rt(policy) ? 99 : 0;
}

ErrorOr<long> sys_sched_get_priority_min(int policy) {
    if (!valid_policy(policy)) return Errno::EINVAL;
    return is_rt(policy) ? 1 : 0;
}

ErrorOr<long> sys_sched_rr_get_interval(int pid, UserPtr<void> interval) {
    if (pid < 0) return Errno::EINVAL;
    u64 ns;
    {
        giant::Section g;
        Thread* t = find_thread(pid);
        if (!t) return Errno::ESRCH;
        int policy = t->sched_attr().policy;
        ns = policy == SCHED_FIFO ? 0 : policy == SCHED_RR ? kRrIntervalNs : kSliceNs;
    }
    struct { i64 sec, nsec; } ts {i64(ns / time::kNsPerSec), i64(ns % time::kNsPerSec)};
    TRY(mm::copy_to_user(interval.addr(), &ts, sizeof ts));
    return 0;
}

ErrorOr<long> sys_getpriority(int which, int who) {
    if (which < PRIO_PROCESS || which > PRIO_USER) return Errno::EINVAL;
    // The syscall returns 20 - nice (1..40) so that it is never negative; the C
    // libraries turn it back into a nice value.
    long best = 0;
    giant::Section g;
    for_each_prio_target(which, who, [&](Thread& t) { best = max<long>(best, 20 - t.sched_attr().nice); });
    if (!best) return Errno::ESRCH;
    return best;
}

ErrorOr<long> sys_setpriority(int which, int who, int niceval) {
    if (which < PRIO_PROCESS || which > PRIO_USER) return Errno::EINVAL;
    niceval = niceval < -20 ? -20 : niceval > 19 ? 19 : niceval;
    // As Linux's set_one_prio: a refused target (EPERM: not its owner; EACCES: a lower
    // nice value beyond RLIMIT_NICE) makes the call fail even if others changed.
    bool found = false, failed = false;
    Errno err = Errno::ESRCH;
    giant::Section g;
    for_each_prio_target(which, who, [&](Thread& t) {
        found = true;
        if (!same_owner(t)) { failed = true; err = Errno::EPERM; return; }
        if (niceval < t.sched_attr().nice && !can_nice(niceval)) { failed = true; err = Errno::EACCES; return; }
        t.sched_attr().nice = i8(niceval);
        sched::priority_changed(t);
    });
    if (!found || failed) return err;
    return 0;
}

ErrorOr<long> sys_getcpu(UserPtr<u32> cpu, UserPtr<u32> node, UserPtr<void> cache) {
    // Where the caller runs now (it may have moved by the time it looks, as on Linux).
    if (!cpu.is_null()) TRY(cpu.write(sched::cpu_of(current_thread())));
    if (!node.is_null()) TRY(node.write(0u));
    return 0;
}
