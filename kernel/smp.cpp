// Bringing up the other CPUs, and the requests CPUs make of each other (kernel/smp.h).
#include <arch/interface.h>
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/entry.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/sync/spinlock.h>
#include <kernel/thread.h>
#include <kernel/time.h>

namespace kernel::smp {
namespace {
// Written by the boot CPU before it starts CPU i, read by CPU i (and by anyone once
// online: a CPU's id and idle thread do not change).
unsigned g_online = 1;

// One cross-CPU call at a time: the caller holds g_call_lock, fills g_call, then sets
// the targets' bits in g_call_pending (release); a target runs it and clears its bit.
Spinlock g_call_lock {"smp call"};
struct Call {
    void (*fn)(void*);
    void* arg;
};
Call g_call LV_GUARDED_BY(g_call_lock);
u32 g_call_pending = 0; // atomic: CPUs that have not yet run g_call

// A panic: every other CPU stops where it is, says where, and halts.
bool g_stop = false;   // atomic
unsigned g_stop_by = 0; // the CPU that panicked (written before g_stop)
u32 g_stopped = 0;     // atomic: CPUs that have stopped

constexpr u32 bit(unsigned i) { return 1u << i; }

// A target's read of the call it was asked to run: ordered after the caller's write
// by g_call_pending, not by the lock (the caller holds it meanwhile).
Call read_call() LV_NO_THREAD_SAFETY_ANALYSIS { return g_call; }

[[noreturn]] void stop_here() {
    arch::irq_disable();
    log_backtrace(0, reinterpret_cast<uptr>(__builtin_frame_address(0)), "CPU %u stopped (another CPU panicked)",
                  this_cpu().id);
    __atomic_fetch_add(&g_stopped, 1u, __ATOMIC_RELEASE);
    arch::halt_forever();
}
} // namespace

unsigned online_count() { return __atomic_load_n(&g_online, __ATOMIC_ACQUIRE); }

void handle_requests() {
    unsigned id = this_cpu().id;
    if (__atomic_load_n(&g_stop, __ATOMIC_ACQUIRE) && g_stop_by != id) stop_here();
    u32 me = bit(id);
    if (!(__atomic_load_n(&g_call_pending, __ATOMIC_ACQUIRE) & me)) return;
    Call c = read_call();
    c.fn(c.arg);
    __atomic_fetch_and(&g_call_pending, ~me, __ATOMIC_RELEASE);
}

void call_on(u32 cpus, void (*fn)(void*), void* arg) {
    unsigned n = online_count();
    if (n < 2) return;
    // Most calls (a TLB flush of a page no other CPU can cache) have no target: they
    // must not serialise the CPUs on the lock. Interrupts are off from finding this
    // CPU's id to the end, so the thread cannot move to another CPU in between.
    arch::IrqState s = arch::irq_save();
    u32 targets = cpus & (bit(n) - 1) & ~bit(this_cpu().id);
    if (targets) {
        SpinlockLocker l(g_call_lock);
        g_call = {fn, arg};
        __atomic_store_n(&g_call_pending, targets, __ATOMIC_RELEASE);
        for (unsigned i = 0; i < n; i++)
            if (targets & bit(i)) arch::send_ipi(i);
        while (__atomic_load_n(&g_call_pending, __ATOMIC_ACQUIRE)) arch::cpu_relax();
    }
    arch::irq_restore(s);
}

void stop_others() {
    unsigned n = online_count();
    if (n < 2) return;
    unsigned me = this_cpu().id;
    g_stop_by = me;
    __atomic_store_n(&g_stop, true, __ATOMIC_RELEASE);
    for (unsigned i = 0; i < n; i++)
        if (i != me) arch::send_ipi(i);
    // Give them a moment to say where they were (a CPU spinning with interrupts off
    // answers from its spin loop; one that never does is left running).
    u64 until = time::monotonic_ns() + 500'000'000;
    while (__atomic_load_n(&g_stopped, __ATOMIC_ACQUIRE) < n - 1 && time::monotonic_ns() < until) arch::cpu_relax();
}

void init(const char* cmdline) {
    unsigned max = kMaxCpus;
    char v[8];
    if (cmdline::flag(cmdline, "nosmp")) max = 1;
    if (cmdline::get(cmdline, "maxcpus", v, sizeof v)) {
        unsigned m = 0;
        for (char* p = v; *p >= '0' && *p <= '9'; p++) m = m * 10 + unsigned(*p - '0');
        if (m >= 1 && m < max) max = m;
    }
    unsigned found = arch::discover_cpus(max);
    for (unsigned i = 1; i < found; i++) {
        Cpu& c = cpu_slot(i);
        c.id = i;
        c.idle = sched::create_idle(i);
        if (!c.idle) {
            log_warn("smp: no memory for CPU %u's idle thread", i);
            break;
        }
        c.current = c.idle;
        if (!arch::start_cpu(i, &c, c.idle->kstack_top())) {
            log_warn("smp: CPU %u did not start", i);
            break;
        }
        u64 until = time::monotonic_ns() + 2'000'000'000ull;
        while (online_count() <= i && time::monotonic_ns() < until) arch::cpu_relax();
        if (online_count() <= i) {
            log_warn("smp: CPU %u started but never came online", i);
            break;
        }
    }
    log_info("smp: %u CPU(s) online (%u found)", online_count(), found);
}
} // namespace kernel::smp

namespace kernel {
void secondary_main() {
    Cpu& c = this_cpu();
    c.progress_ns = time::monotonic_ns();
    __atomic_store_n(&smp::g_online, c.id + 1, __ATOMIC_RELEASE);
    sched::run_idle();
}

void handle_ipi() { smp::handle_requests(); }
} // namespace kernel
