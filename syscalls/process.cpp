#include <fs/fd_table.h>
#include <kernel/cred.h>
#include <kernel/itimer.h>
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <syscalls/process.h>

using namespace kernel;

ErrorOr<long> sys_exit(int code) { exit_thread(code); }
ErrorOr<long> sys_exit_group(int code) { exit_process(exit_status_code(code)); }
ErrorOr<long> sys_getpid() { return current_process().pid(); }
ErrorOr<long> sys_getppid() {
    Process* parent = current_process().parent();
    return parent ? parent->pid() : 0;
}
ErrorOr<long> sys_gettid() { return current_thread().tid(); }

ErrorOr<long> sys_set_tid_address(UserPtr<int> tidptr) {
    current_thread().own().clear_child_tid = tidptr.addr();
    return current_thread().tid();
}

ErrorOr<long> sys_set_robust_list(UserPtr<void> head, usize len) {
    constexpr usize kRobustListHeadSize = 24; // struct robust_list_head, 64-bit
    if (len != kRobustListHeadSize) return Errno::EINVAL;
    current_thread().own().robust_list = head.addr();
    current_thread().own().robust_list_len = len;
    return 0;
}

ErrorOr<long> sys_get_robust_list(int pid, UserPtr<u64> head, UserPtr<usize> len) {
    if (pid != 0 && pid != current_thread().tid()) return Errno::ESRCH; // FIXME: other threads
    TRY(head.write(current_thread().own().robust_list));
    TRY(len.write(current_thread().own().robust_list_len));
    return 0;
}

ErrorOr<long> sys_getuid() { return current_process().uid(); }
ErrorOr<long> sys_geteuid() { return current_process().euid(); }
ErrorOr<long> sys_getgid() { return current_process().creds().gid; }
ErrorOr<long> sys_getegid() { return current_process().creds().egid; }

ErrorOr<long> sys_getresuid(UserPtr<u32> r, UserPtr<u32> e, UserPtr<u32> s) {
    Credentials c = current_process().creds();
    TRY(r.write(c.uid));
    TRY(e.write(c.euid));
    TRY(s.write(c.suid));
    return 0;
}

ErrorOr<long> sys_getresgid(UserPtr<u32> r, UserPtr<u32> e, UserPtr<u32> s) {
    Credentials c = current_process().creds();
    TRY(r.write(c.gid));
    TRY(e.write(c.egid));
    TRY(s.write(c.sgid));
    return 0;
}

ErrorOr<long> sys_getpgid(int pid) {
    if (pid == 0) return current_process().pgid();
    Process* p = find_process(pid);
    if (!p) return Errno::ESRCH;
    return p->pgid();
}
ErrorOr<long> sys_getpgrp() { return current_process().pgid(); }

ErrorOr<long> sys_setpgid(int pid, int pgid) {
    if (pgid < 0) return Errno::EINVAL;
    Process& self = current_process();
    Process* p = pid == 0 ? &self : find_process(pid);
    if (!p || (p != &self && p->parent() != &self)) return Errno::ESRCH;
    if (p->pid() == p->sid()) return Errno::EPERM; // a session leader cannot move
    p->set_pgid(pgid == 0 ? p->pid() : pgid);
    return 0;
}

ErrorOr<long> sys_getsid(int pid) {
    if (pid == 0) return current_process().sid();
    Process* p = find_process(pid);
    if (!p) return Errno::ESRCH;
    return p->sid();
}

ErrorOr<long> sys_setsid() {
    Process& self = current_process();
    if (self.pgid() == self.pid()) return Errno::EPERM; // already a group leader
    self.set_sid(self.pid());
    self.set_pgid(self.pid());
    return self.sid();
}

// struct rusage (getrusage(2)): two timevals, then 14 longs.
// FIXME: ru_maxrss, page faults and context switches are not counted yet (0).
ErrorOr<void> write_rusage(UserPtr<void> dst, const CpuSplit& cpu) {
    struct {
        i64 utime_sec, utime_usec, stime_sec, stime_usec;
        i64 rest[14];
    } ru {};
    static_assert(sizeof ru == 144);
    ru.utime_sec = i64(cpu.utime_ns / time::kNsPerSec);
    ru.utime_usec = i64(cpu.utime_ns % time::kNsPerSec / 1000);
    ru.stime_sec = i64(cpu.stime_ns / time::kNsPerSec);
    ru.stime_usec = i64(cpu.stime_ns % time::kNsPerSec / 1000);
    return mm::copy_to_user(dst.addr(), &ru, sizeof ru);
}

ErrorOr<long> sys_wait4(int pid, UserPtr<int> status, int options, UserPtr<void> rusage) {
    constexpr int kWNOHANG = 1, kWUNTRACED = 2, kWCONTINUED = 8, kWALL = 0x40000000, kWCLONE = int(0x80000000),
                  kWNOTHREAD = 0x20000000;
    if (options & ~(kWNOHANG | kWUNTRACED | kWCONTINUED | kWALL | kWCLONE | kWNOTHREAD)) return Errno::EINVAL;
    if (pid == INT32_MIN) return Errno::ESRCH;
    int st = 0;
    CpuSplit cpu;
    constexpr int kWEXITED = 4; // wait4 always reports exits
    int reaped = TRY(wait_child(pid, options | kWEXITED, &st, false, &cpu));
    if (reaped > 0 && !status.is_null()) TRY(status.write(st));
    if (reaped > 0 && !rusage.is_null()) TRY(write_rusage(rusage, cpu));
    return reaped;
}

namespace {
// kill(2)'s permission check (Linux's check_kill_permission): the credential rule of
// kernel/cred.h, and SIGCONT may always go to a process of the sender's session.
bool may_kill(const Process& target, int sig) LV_REQUIRES_GIANT {
    const Process& self = current_process();
    if (sig == SIGCONT && target.sid() == self.sid()) return true;
    return may_signal(self.creds(), target.creds());
}
} // namespace

ErrorOr<long> sys_kill(int pid, int sig) {
    if (sig < 0 || sig > kNumSignals) return Errno::EINVAL;
    Process& self = current_process();
    if (pid > 0) {
        Process* p = find_process(pid);
        if (!p || p->zombie()) return Errno::ESRCH;
        if (!may_kill(*p, sig)) return Errno::EPERM;
        if (sig) send_signal(*p, sig);
        return 0;
    }
    // A group (pid 0 or < -1) succeeds if the signal reached any member, else fails with
    // EPERM. kill(-1) goes to everything but init and the caller, and EPERM does not
    // count there: Linux returns 0 as long as some process was found (kill_something_info).
    bool found = false, sent = false;
    for_each_process([&](Process& p) LV_REQUIRES_GIANT {
        if (p.zombie() || (pid == -1 && (p.pid() <= 1 || &p == &self))) return;
        if (pid != -1 && p.pgid() != (pid == 0 ? self.pgid() : -pid)) return;
        found = true;
        if (!may_kill(p, sig)) return;
        sent = true;
        if (sig) send_signal(p, sig);
    });
    if (!found) return Errno::ESRCH;
    if (!sent && pid != -1) return Errno::EPERM;
    return 0;
}

ErrorOr<long> sys_tgkill(int tgid, int tid, int sig) {
    if (sig < 0 || sig > kNumSignals || tid <= 0 || (tgid <= 0 && tgid != -1)) return Errno::EINVAL;
    Thread* target = nullptr;
    for_each_process([&](Process& p) LV_REQUIRES_GIANT {
        if (tgid != -1 && p.pid() != tgid) return;
        for (Thread& t : p.threads())
            if (t.tid() == tid) target = &t;
    });
    if (!target) return Errno::ESRCH;
    if (!may_kill(*target->process(), sig)) return Errno::EPERM;
    if (sig) send_signal(*target, sig);
    return 0;
}

ErrorOr<long> sys_tkill(int tid, int sig) { return sys_tgkill(-1, tid, sig); }

ErrorOr<long> sys_sched_yield() {
    sched::yield();
    return 0;
}

namespace {
struct LinuxRlimit {
    u64 cur, max;
};
constexpr unsigned kRlimNlimits = 16;

ErrorOr<void> set_limit(Process& p, unsigned resource, const LinuxRlimit& l) LV_REQUIRES_GIANT {
    if (l.cur > l.max) return Errno::EINVAL;
    if (l.max > p.rlimit(int(resource)).max && !capable(p)) return Errno::EPERM;
    constexpr unsigned kNoFile = 7;
    if (resource == kNoFile && l.max > u64(fs::FdTable::kMaxFds)) return Errno::EPERM; // fs.nr_open
    p.set_rlimit(int(resource), {l.cur, l.max});
    return {};
}
} // namespace

ErrorOr<long> sys_prlimit64(int pid, unsigned resource, UserPtr<void> new_limit, UserPtr<void> old_limit) {
    if (resource >= kRlimNlimits) return Errno::EINVAL;
    Process* p = pid == 0 ? &current_process() : find_process(pid);
    if (!p) return Errno::ESRCH;
    LinuxRlimit nl {};
    if (!new_limit.is_null()) TRY(mm::copy_from_user(&nl, new_limit.addr(), sizeof nl));
    if (!old_limit.is_null()) {
        RLimit r = p->rlimit(int(resource));
        LinuxRlimit ol {r.cur, r.max};
        TRY(mm::copy_to_user(old_limit.addr(), &ol, sizeof ol));
    }
    if (!new_limit.is_null()) TRY(set_limit(*p, resource, nl));
    return 0;
}

ErrorOr<long> sys_getrlimit(unsigned resource, UserPtr<void> limit) {
    return sys_prlimit64(0, resource, UserPtr<void>(), limit);
}
ErrorOr<long> sys_setrlimit(unsigned resource, UserPtr<void> limit) {
    return sys_prlimit64(0, resource, limit, UserPtr<void>());
}

ErrorOr<long> sys_getrusage(int who, UserPtr<void> usage) {
    constexpr int kSelf = 0, kChildren = -1, kThread = 1;
    Process& p = current_process();
    CpuSplit cpu;
    switch (who) {
    case kSelf: cpu = process_cpu(p); break;
    case kThread: cpu = thread_cpu(current_thread()); break;
    case kChildren: {
        giant::Section g;
        cpu = p.children_cpu();
        break;
    }
    default: return Errno::EINVAL;
    }
    TRY(write_rusage(usage, cpu));
    return 0;
}

ErrorOr<long> sys_times(UserPtr<void> buf) {
    // Clock ticks of USER_HZ (100 per second, on both arches).
    constexpr u64 kNsPerTick = time::kNsPerSec / 100;
    if (!buf.is_null()) {
        Process& p = current_process();
        CpuSplit self = process_cpu(p), children;
        {
            giant::Section g;
            children = p.children_cpu();
        }
        i64 tms[4] = {i64(self.utime_ns / kNsPerTick), i64(self.stime_ns / kNsPerTick),
                      i64(children.utime_ns / kNsPerTick), i64(children.stime_ns / kNsPerTick)};
        TRY(mm::copy_to_user(buf.addr(), tms, sizeof tms));
    }
    // Linux returns its jiffies counter, which starts 300 s before wrapping a 32-bit
    // value (INITIAL_JIFFIES) so that overflow bugs show early.
    constexpr u64 kInitialTicks = u32(-300 * 100);
    return long(kInitialTicks + time::monotonic_ns() / kNsPerTick);
}

ErrorOr<long> sys_prctl(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5) {
    constexpr int PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4,
                  PR_SET_NAME = 15, PR_GET_NAME = 16, PR_GET_TIMERSLACK = 30, PR_SET_NO_NEW_PRIVS = 38,
                  PR_GET_NO_NEW_PRIVS = 39, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37,
                  PR_SVE_SET_VL = 50, PR_SVE_GET_VL = 51;
    Process& p = current_process();
    switch (option) {
    case PR_SET_NAME: {
        char name[16];
        auto r = mm::copy_string_from_user(name, arg2, sizeof name);
        if (r.is_error() && r.error() != Errno::ENAMETOOLONG) return r.error();
        name[15] = 0; // truncated to 15 bytes, like Linux
        p.set_comm(name);
        return 0;
    }
    case PR_GET_NAME:
    {
        char name[16];
        memcpy(name, p.comm(), sizeof name);
        TRY(mm::copy_to_user(arg2, name, sizeof name));
    }
        return 0;
    case PR_SET_PDEATHSIG:
        if (arg2 > u64(kNumSignals)) return Errno::EINVAL;
        p.set_pdeath_signal(int(arg2));
        return 0;
    case PR_GET_PDEATHSIG:
        TRY(UserPtr<int>(arg2).write(p.pdeath_signal()));
        return 0;
    case PR_SET_CHILD_SUBREAPER:
        p.set_child_subreaper(arg2 != 0);
        return 0;
    case PR_GET_CHILD_SUBREAPER:
        TRY(UserPtr<int>(arg2).write(p.child_subreaper() ? 1 : 0));
        return 0;
    case PR_GET_DUMPABLE: return 1;
    case PR_SET_DUMPABLE: return arg2 > 1 ? Error(Errno::EINVAL) : ErrorOr<long>(0);
    case PR_GET_TIMERSLACK: return 50000;
    case PR_SET_NO_NEW_PRIVS: return arg2 == 1 && !arg3 && !arg4 && !arg5 ? ErrorOr<long>(0) : Error(Errno::EINVAL);
    case PR_GET_NO_NEW_PRIVS: return 0;
    case PR_SVE_SET_VL:
    case PR_SVE_GET_VL: {
        long r = arch::sve_vl_prctl(option == PR_SVE_SET_VL, arg2);
        return r < 0 ? Error(Errno(-r)) : ErrorOr<long>(r);
    }
    default: return Errno::EINVAL;
    }
}

ErrorOr<long> sys_uname(UserPtr<void> buf) {
    struct {
        char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
    } u {};
    auto set = [](char* dst, const char* src) { memcpy(dst, src, strlen(src) + 1); };
    set(u.sysname, "Linux"); // programs check for "Linux": we implement its ABI
    set(u.nodename, "levitate");
    set(u.release, "6.1.0-levitate");
    set(u.version, "#1 LevitateOS");
    set(u.machine, arch::kMachineName);
    set(u.domainname, "(none)");
    TRY(mm::copy_to_user(buf.addr(), &u, sizeof u));
    return 0;
}
