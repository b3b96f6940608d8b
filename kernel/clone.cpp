#include <fs/context.h>
#include <fs/fd_table.h>
#include <fs/kernel_api.h>
#include <kernel/clone.h>
#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <kernel/nproc.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/address_space.h>
#include <mm/user_ptr.h>

namespace kernel {
namespace {
enum : u64 {
    CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000,
    CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000,
    CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
    CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000,
    CLONE_CHILD_SETTID = 0x01000000, CLONE_NEWCGROUP = 0x02000000, CLONE_NEWUTS = 0x04000000,
    CLONE_NEWIPC = 0x08000000, CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000,
    CLONE_NEWNET = 0x40000000, CLONE_IO = 0x80000000,
    kNamespaces = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
                  CLONE_NEWNET,
};

ErrorOr<void> validate(const CloneArgs& a) LV_REQUIRES_GIANT {
    // The rules of Linux's copy_process().
    if ((a.flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS)) return Errno::EINVAL;
    if ((a.flags & CLONE_THREAD) && !(a.flags & CLONE_SIGHAND)) return Errno::EINVAL;
    if ((a.flags & CLONE_SIGHAND) && !(a.flags & CLONE_VM)) return Errno::EINVAL;
    if (a.exit_signal < 0 || a.exit_signal > kNumSignals) return Errno::EINVAL;
    // Init has no parent to share: Linux refuses CLONE_PARENT from it.
    if ((a.flags & CLONE_PARENT) && current_process().unkillable()) return Errno::EINVAL;
    // FIXME: namespaces and pidfds do not exist yet; refuse rather than pretend.
    if (a.flags & (kNamespaces | CLONE_PIDFD)) return Errno::EINVAL;
    return {};
}

// The new thread starts as a copy of the caller's user registers, returning 0. Only the
// caller's own state is read, so this runs without the giant lock; inherit() finishes
// the thread under it. The analysis is off: it would ask the giant lock for the new
// thread's signal mask, which nothing else can see yet.
Thread* make_thread(Process& p, const CloneArgs& a) LV_NO_THREAD_SAFETY_ANALYSIS {
    Thread& self = current_thread();
    Thread* t = create_thread(&p, user_thread_entry, nullptr, p.comm());
    if (!t) return nullptr;
    memcpy(t->user_frame(), self.user_frame(), sizeof(arch::TrapFrame));
    arch::TrapFrame& f = *t->user_frame();
    f.set_return(0);
    if (a.stack) f.set_sp(a.stack);
    arch::thread_state_copy(t->own().arch_state, self.own().arch_state);
    if (a.flags & CLONE_SETTLS) arch::set_thread_pointer(t->own().arch_state, a.tls);
    t->set_sigmask(self.own_sigmask());
    t->own().altstack_sp = (a.flags & CLONE_VM) && !(a.flags & CLONE_VFORK) ? 0 : self.own().altstack_sp;
    t->own().altstack_size = (a.flags & CLONE_VM) && !(a.flags & CLONE_VFORK) ? 0 : self.own().altstack_size;
    if (a.flags & CLONE_CHILD_CLEARTID) t->own().clear_child_tid = a.child_tid;
    return t;
}

// What the new thread takes that other threads may change: its name (its process's, as
// prctl(PR_SET_NAME) and /proc/PID/comm change it) and the caller's policy and nice value
// (as sched_setattr does), under the giant lock, and the caller's CPU mask.
void inherit(Thread& t) LV_REQUIRES_GIANT {
    Thread& self = current_thread();
    t.set_name(t.process()->comm());
    t.sched_attr() = self.sched_attr().for_child();
    sched::inherit_affinity(t, self);
}

// The pieces of a new process that are copied under their own locks only, so that
// other CPUs fork meanwhile: the memory (the address space's lock), the descriptor
// table (its lock) and the signal actions (theirs), and the first thread. The rest is
// copy_process's, under the giant lock.
struct Pieces {
    Process* p = nullptr;
    Thread* t = nullptr;
};
ErrorOr<Pieces> copy_pieces(Process& parent, const CloneArgs& a) LV_REQUIRES_GIANT {
    giant::Released unlocked; // parent's pointers stay: they change only while no other thread runs
    auto* p = lv::make<Process>();
    if (!p) return Errno::ENOMEM;
    auto fail = [p](Errno e) -> ErrorOr<Pieces> { free_process(p); return e; };
    if (a.flags & CLONE_VM) {
        p->set_as(parent.as());
    } else {
        auto as = parent.as()->clone();
        if (as.is_error()) return fail(as.error());
        p->set_as(lv::RefPtr<mm::AddressSpace>::adopt(as.value()));
    }
    p->set_fds((a.flags & CLONE_FILES) ? parent.fds() : fs::clone_fd_table(*parent.fds()));
    p->set_sighand((a.flags & CLONE_SIGHAND) ? parent.sighand() : parent.sighand()->copy());
    if (!p->fds() || !p->sighand()) return fail(Errno::ENOMEM);
    Thread* t = make_thread(*p, a);
    if (!t) return fail(Errno::ENOMEM);
    return Pieces {p, t};
}

// The new process and its first thread (not yet registered nor runnable).
ErrorOr<Pieces> copy_process(Process& parent, const CloneArgs& a) LV_REQUIRES_GIANT {
    Pieces made = TRY(copy_pieces(parent, a));
    Process* p = made.p;
    // The fs context is copied without a lock of its own: chdir changes it under this one.
    p->set_fs((a.flags & CLONE_FS) ? parent.fs() : fs::clone_fs_context(*parent.fs()));
    if (!p->fs()) {
        destroy_thread(made.t);
        free_process(p);
        return Errno::ENOMEM;
    }
    p->init_creds(parent.creds());
    p->inherit_from(parent);
    inherit(*made.t);
    // Linux's copy_process: a CLONE_PARENT child is a sibling, and tells the shared parent
    // of its end with the caller's own exit signal, not one it chose (the fuzzer's
    // CLONE_PARENT children with exit signal SIGKILL killed their grandparent).
    p->set_exit_signal((a.flags & CLONE_PARENT) ? parent.exit_signal() : a.exit_signal);
    p->set_nproc_exceeded(parent.nproc_exceeded()); // copied before the check clears the parent's
    return made;
}
} // namespace

ErrorOr<int> do_clone(const CloneArgs& a) {
    TRY(validate(a));
    Process& self = current_process();
    Thread* t;
    Process* child = nullptr;
    VforkDone vfork; // CLONE_VFORK: the child wakes us through it (and forgets it)
    if (a.flags & CLONE_THREAD) {
        {
            giant::Released unlocked;
            t = make_thread(self, a);
        }
        if (!t) return Errno::ENOMEM;
        inherit(*t);
        giant::Section g;
        // Not into a process on its way out, nor from a thread told to die (another
        // thread's execve waits for every thread but its own to be gone).
        if (self.exit_started() || current_thread().exiting()) { destroy_thread(t); return Errno::EAGAIN; }
        if (auto r = check_new_task(self); r.is_error()) { destroy_thread(t); return r.error(); }
        self.add_thread(*t);
    } else {
        {
            // Fail early, before copying anything; checked again as the child is added.
            giant::Section g;
            TRY(check_new_task(self));
        }
        Pieces made = TRY(copy_process(self, a));
        child = made.p;
        t = made.t;
        child->init_pid(t->tid());
        if (a.flags & CLONE_VFORK) child->set_vfork_done(&vfork);
        Process* parent = (a.flags & CLONE_PARENT) && self.parent() ? self.parent() : &self;
        ErrorOr<void> allowed {};
        {
            giant::Section g; // the check and the new task's arrival in the table are one step
            allowed = check_new_task(self);
            if (!allowed.is_error()) register_process(*child, parent, *t);
        }
        if (allowed.is_error()) {
            destroy_thread(t);
            free_process(child);
            return allowed.error();
        }
    }
    int tid = t->tid();
    // The tid words are written before the child can run (it shares or copied the memory).
    if (a.flags & CLONE_PARENT_SETTID) (void)UserPtr<int>(a.parent_tid).write(tid);
    if (a.flags & CLONE_CHILD_SETTID) {
        if (child && !(a.flags & CLONE_VM)) {
            (void)child->as()->poke(a.child_tid, &tid, sizeof tid);
        } else {
            (void)UserPtr<int>(a.child_tid).write(tid);
        }
    }
    sched::add(*t);
    if (child && (a.flags & CLONE_VFORK)) {
        // The parent sleeps until the child execs or exits (it borrowed our memory).
        // `child` is not touched any more: once it exits, its parent (us, our other
        // threads, or with CLONE_PARENT our own parent) may reap and free it.
        giant::Section g;
        // Killable, as Linux's wait_for_vfork_done: SIGKILL ends the parent even while the
        // child runs (the child keeps the memory alive through its own reference).
        while (!vfork.done)
            if (vfork.queue.wait_killable().is_error()) break;
        if (!vfork.done) {
            // Killed first: the child must forget our stack. If it was already reaped
            // (its pid maybe reused), whatever has that pid does not point at `vfork`.
            if (Process* c = find_process(tid); c && c->vfork_done() == &vfork) c->set_vfork_done(nullptr);
        }
    }
    return tid;
}
} // namespace kernel
