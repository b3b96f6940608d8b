// sigtimedwait(2) and rt_sigqueueinfo(2). Real-time signals are not queued: each
// signal has one pending instance, whose siginfo is the first one sent (FIXME in
// kernel/signal.h).
#include <kernel/cred.h>
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <syscalls/sigwait.h>

using namespace kernel;

namespace {
constexpr u64 kUnblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));

struct Timespec {
    i64 sec, nsec;
};

// The fields of a user-supplied siginfo_t that a queued signal carries: si_code at 8,
// si_pid at 16, si_uid at 20, si_value at 24.
ErrorOr<Thread::SigInfo> read_user_info(UserPtr<void> uinfo, int target_pid) {
    u8 raw[128];
    TRY(mm::copy_from_user(raw, uinfo.addr(), sizeof raw));
    Thread::SigInfo info;
    memcpy(&info.code, raw + 8, 4);
    memcpy(&info.pid, raw + 16, 4);
    memcpy(&info.uid, raw + 20, 4);
    memcpy(&info.value, raw + 24, 8);
    // Only the kernel sends si_code >= 0 (SI_USER, SI_KERNEL, ...), and only tkill
    // sends SI_TKILL: nobody may forge them towards another process (sigqueueinfo(2)).
    if ((info.code >= 0 || info.code == SI_TKILL) && target_pid != current_process().pid()) return Errno::EPERM;
    return info;
}

ErrorOr<void> check_target(Process& p, int sig) LV_REQUIRES_GIANT {
    if (sig < 0 || sig > kNumSignals) return Errno::EINVAL;
    const Process& self = current_process();
    if (!(sig == SIGCONT && p.sid() == self.sid()) && !may_signal(self.creds(), p.creds())) return Errno::EPERM;
    return {};
}
} // namespace

ErrorOr<long> sys_rt_sigtimedwait(UserPtr<u64> set, UserPtr<void> uinfo, UserPtr<void> timeout, usize sigsetsize) {
    if (sigsetsize != 8) return Errno::EINVAL;
    u64 mask = TRY(set.read()) & ~kUnblockable;
    bool timed = !timeout.is_null();
    u64 deadline = 0;
    if (timed) {
        Timespec ts = TRY(UserPtr<Timespec>::from(timeout).read());
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= i64(time::kNsPerSec)) return Errno::EINVAL;
        deadline = time::monotonic_ns() + u64(ts.sec) * time::kNsPerSec + u64(ts.nsec);
    }
    Thread& t = current_thread();
    int sig = 0;
    Thread::SigInfo info;
    {
        giant::Section g;
        // Signals in the set wake us even while blocked (send_signal wakes the thread
        // regardless of its mask); they are taken here, never delivered to a handler.
        while (!dequeue_signal(t, mask, sig, info)) {
            if (signal_pending()) return Errno::EINTR; // another, unblocked signal
            if (!timed) {
                sched::block();
            } else {
                if (time::monotonic_ns() >= deadline) return Errno::EAGAIN;
                sched::sleep_until(deadline);
            }
        }
    }
    if (!uinfo.is_null()) {
        u8 si[128];
        fill_siginfo(si, sig, info);
        TRY(mm::copy_to_user(uinfo.addr(), si, sizeof si));
    }
    return sig;
}

ErrorOr<long> sys_rt_sigqueueinfo(int tgid, int sig, UserPtr<void> uinfo) {
    Thread::SigInfo info = TRY(read_user_info(uinfo, tgid));
    Process* p = tgid > 0 ? find_process(tgid) : nullptr;
    if (!p || p->zombie()) return Errno::ESRCH;
    TRY(check_target(*p, sig));
    if (sig) send_signal_info(*p, sig, info);
    return 0;
}

ErrorOr<long> sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, UserPtr<void> uinfo) {
    if (tgid <= 0 || tid <= 0) return Errno::EINVAL;
    Thread::SigInfo info = TRY(read_user_info(uinfo, tid));
    Process* p = find_process(tgid);
    if (!p || p->zombie()) return Errno::ESRCH;
    giant::Section g;
    Thread* target = nullptr;
    for (Thread& t : p->threads())
        if (t.tid() == tid) target = &t;
    if (!target) return Errno::ESRCH;
    TRY(check_target(*p, sig));
    if (sig) send_signal_info(*target, sig, info);
    return 0;
}
