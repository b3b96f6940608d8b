#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <syscalls/signal.h>

using namespace kernel;

namespace {
constexpr u64 kUnblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));
}

ErrorOr<long> sys_rt_sigaction(int sig, UserPtr<void> act, UserPtr<void> oldact, usize sigsetsize) {
    if (sigsetsize != 8) return Errno::EINVAL;
    if (sig < 1 || sig > kNumSignals) return Errno::EINVAL;
    Process& p = current_process();
    SignalAction na {};
    if (!act.is_null()) {
        na = TRY(UserPtr<SignalAction>::from(act).read());
        if (sig == SIGKILL || sig == SIGSTOP) return Errno::EINVAL;
    }
    if (act.is_null()) {
        if (!oldact.is_null()) TRY(UserPtr<SignalAction>::from(oldact).write(p.sighand()->action(sig)));
        return 0;
    }
    // Linux checks oldact only after the change: a bad oldact is EFAULT with the new
    // action installed (do_sigaction, then copy_to_user).
    SignalAction old;
    {
        giant::Section g;
        na.mask &= ~kUnblockable;
        old = p.sighand()->replace(sig, na);
        // Setting SIG_IGN discards a pending instance (POSIX), in every process that
        // shares the table.
        if (na.handler == SignalHandlers::kIgnore) {
            u64 keep = ~(1ull << (sig - 1));
            SignalHandlers* table = p.sighand().get();
            for (Process& q : all_processes()) {
                if (q.sighand().get() != table) continue;
                q.pending().discard(~keep);
                for (Thread& t : q.threads()) t.pending().discard(~keep);
            }
        }
    }
    if (!oldact.is_null()) TRY(UserPtr<SignalAction>::from(oldact).write(old));
    return 0;
}

ErrorOr<long> sys_rt_sigprocmask(int how, UserPtr<u64> set, UserPtr<u64> oldset, usize sigsetsize) {
    constexpr int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    if (sigsetsize != 8) return Errno::EINVAL;
    Thread& t = current_thread();
    u64 ns = 0;
    if (!set.is_null()) {
        if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK) return Errno::EINVAL;
        ns = TRY(set.read());
    }
    if (!oldset.is_null()) TRY(oldset.write(t.sigmask()));
    if (!set.is_null()) {
        giant::Section g;
        if (how == SIG_BLOCK) t.set_sigmask(t.sigmask() | (ns));
        else if (how == SIG_UNBLOCK) t.set_sigmask(t.sigmask() & (~ns));
        else t.set_sigmask(ns);
        t.set_sigmask(t.sigmask() & (~kUnblockable));
    }
    return 0;
}

ErrorOr<long> sys_rt_sigpending(UserPtr<u64> set, usize sigsetsize) {
    if (sigsetsize > 8) return Errno::EINVAL;
    Thread& t = current_thread();
    u64 pending = (t.pending().bits() | t.process()->pending().bits()) & t.sigmask();
    TRY(mm::copy_to_user(set.addr(), &pending, sigsetsize));
    return 0;
}

ErrorOr<long> sys_sigaltstack(UserPtr<void> ss, UserPtr<void> old) {
    struct StackT {
        u64 sp;
        i32 flags;
        i32 pad;
        u64 size;
    };
    constexpr int SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = int(1u << 31);
    static_assert(sizeof(StackT) == 24);
    Thread& t = current_thread();
    u64 sp = t.user_frame()->sp();
    bool on_stack = t.own().altstack_size && sp > t.own().altstack_sp && sp <= t.own().altstack_sp + t.own().altstack_size;
    if (!old.is_null()) {
        int flags = on_stack ? SS_ONSTACK : t.own().altstack_size ? 0 : SS_DISABLE;
        if (t.own().altstack_autodisarm) flags |= SS_AUTODISARM;
        StackT o {t.own().altstack_sp, flags, 0, t.own().altstack_size};
        TRY(UserPtr<StackT>::from(old).write(o));
    }
    if (!ss.is_null()) {
        StackT n = TRY(UserPtr<StackT>::from(ss).read());
        if (on_stack) return Errno::EPERM; // cannot change the stack we are running on
        int mode = n.flags & ~SS_AUTODISARM;
        if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK) return Errno::EINVAL;
        if (mode == SS_DISABLE) {
            t.own().altstack_sp = t.own().altstack_size = 0;
            t.own().altstack_autodisarm = false;
        } else {
            if (n.size < arch::kMinSigStackSize) return Errno::ENOMEM;
            t.own().altstack_sp = n.sp;
            t.own().altstack_size = n.size;
            t.own().altstack_autodisarm = n.flags & SS_AUTODISARM;
        }
    }
    return 0;
}

ErrorOr<long> sys_rt_sigreturn() {
    Thread& t = current_thread();
    arch::TrapFrame& f = *t.user_frame();
    u64 mask = 0;
    if (!arch::restore_signal_frame(f, mask)) {
        log_info("pid %d (%s): bad signal frame in rt_sigreturn", t.process()->pid(), t.process()->comm());
        exit_process(SIGSEGV);
    }
    {
        giant::Section g;
        t.set_sigmask(mask & ~kUnblockable);
    }
    // The dispatcher stores our result as the return register: give back the restored one.
    return long(f.return_value());
}

ErrorOr<long> sys_rt_sigsuspend(UserPtr<u64> mask, usize sigsetsize) {
    if (sigsetsize != 8) return Errno::EINVAL;
    u64 m = TRY(mask.read());
    Thread& t = current_thread();
    giant::Section g;
    // The handler runs with the temporary mask; the frame records the old one, which
    // rt_sigreturn brings back (kernel/signal.cpp).
    t.own().mask_before_suspend = t.sigmask();
    t.own().in_sigsuspend = true;
    t.set_sigmask(m & ~kUnblockable);
    while (!signal_pending()) sched::block();
    return Errno::EINTR;
}

ErrorOr<long> sys_pause() {
    giant::Section g;
    while (!signal_pending()) sched::block();
    return Errno::EINTR;
}
