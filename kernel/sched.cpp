// Round-robin scheduler for one CPU. The run queue holds runnable threads other than
// the current one; the idle thread runs when it is empty. All state here is guarded
// by disabling interrupts.
#include <kernel/itimer.h>
#include <kernel/lock.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/cpu_stat.h>
#include <kernel/sched.h>
#include <kernel/sync/spinlock.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <mm/address_space.h>

namespace kernel {
namespace {
constexpr unsigned kSliceTicks = 2; // 20 ms at 100 Hz

lv::IntrusiveList<Thread, &Thread::run_node> g_run_queue;
lv::IntrusiveList<Thread, &Thread::run_node> g_dead;
lv::IntrusiveList<Thread, &Thread::sleep_node> g_sleepers;
Thread* g_current = nullptr;
Thread* g_idle = nullptr;
Thread g_boot_thread; // the context kernel_main runs on until it becomes the idle loop
u64 g_progress_ns = 0; // the last context switch, return to user or idle tick
u64 g_lockup_reported_ns = 0;

void idle_loop(void*) {
    for (;;) arch::wait_for_interrupt();
}

void reap_dead() {
    while (Thread* t = g_dead.pop_front()) destroy_thread(t);
}

// Switches to the next runnable thread. Interrupts must be off.
void switch_away() {
    Thread* prev = g_current;
    Thread* next = g_run_queue.pop_front();
    if (!next) {
        if (prev->state == Thread::State::Running) return; // nothing else to run
        next = g_idle;
    }
    if (next == prev) return;
    if (prev->state == Thread::State::Running) {
        prev->state = Thread::State::Runnable;
        if (prev != g_idle) g_run_queue.push_back(*prev);
    } else if (prev->state == Thread::State::Dead) {
        g_dead.push_back(*prev); // its stack is in use until we are off it
    }
    next->state = Thread::State::Running;
    next->slice_ticks = kSliceTicks;
    count_context_switch(); // /proc/stat's ctxt
    g_progress_ns = time::monotonic_ns();
    cputime_switch(*prev, *next); // CPU time accounting (kernel/itimer.cpp)
    // Kernel threads run on no user half at all, so a reaped address space is never live.
    arch::activate_user_root(next->process && next->process->as ? next->process->as->page_table().root() : 0);
    arch::thread_switch(prev->arch_state, next->arch_state, next->kstack_top());
    g_current = next;
    arch::context_switch(prev->context, next->context);
    // Back on `prev`, some time later.
    reap_dead();
}
} // namespace

Thread& current_thread() { return *g_current; }
lockdep::HeldLocks* lockdep::current_held_locks() { return g_current ? &g_current->held_locks : nullptr; }

Process& current_process() {
    static Process kernel_process; // kernel threads see an empty process (no address space)
    return g_current && g_current->process ? *g_current->process : kernel_process;
}

namespace sched {
bool idle_running() { return g_current == g_idle; }

u64 idle_runtime_ns() {
    if (!g_idle) return 0;
    u64 ns = g_idle->cpu.runtime_ns;
    if (g_current == g_idle && g_idle->on_cpu_since_ns) ns += time::monotonic_ns() - g_idle->on_cpu_since_ns;
    return ns;
}

int runnable_threads() {
    InterruptGuard g;
    int n = g_current && g_current != g_idle ? 1 : 0;
    for (Thread& t : g_run_queue) n += &t != g_idle;
    return n;
}

void init() {
    g_boot_thread.state = Thread::State::Running;
    g_boot_thread.tid = 0;
    arch::thread_state_init(g_boot_thread.arch_state);
    g_current = &g_boot_thread;
    g_idle = create_thread(nullptr, idle_loop, nullptr, "idle");
    if (!g_idle) panic("cannot create the idle thread");
}

void add(Thread& t) {
    InterruptGuard g;
    t.state = Thread::State::Runnable;
    g_run_queue.push_back(t);
}

void yield() {
    assert_no_spinlock("yield");
    InterruptGuard g;
    switch_away();
}

void block() {
    assert_no_spinlock("sleeping");
    InterruptGuard g;
    g_current->state = Thread::State::Blocked;
    switch_away();
}

void wake(Thread& t) {
    InterruptGuard g;
    if (t.state != Thread::State::Blocked) return;
    if (t.sleep_node.linked()) g_sleepers.remove(t);
    t.state = Thread::State::Runnable;
    g_run_queue.push_back(t);
}

void sleep_until(u64 deadline_ns) {
    assert_no_spinlock("sleeping");
    InterruptGuard g;
    Thread& t = *g_current;
    t.wake_deadline_ns = deadline_ns;
    t.timed_out = false;
    if (!t.sleep_node.linked()) g_sleepers.push_back(t);
    t.state = Thread::State::Blocked;
    switch_away();
    if (t.sleep_node.linked()) g_sleepers.remove(t);
}

[[noreturn]] void exit_current() {
    arch::irq_disable();
    g_current->state = Thread::State::Dead;
    switch_away();
    panic("dead thread rescheduled");
}

void watchdog(const arch::TrapFrame& f) {
    u64 now = time::monotonic_ns();
    if (f.from_user() || g_current == g_idle || !g_progress_ns) {
        g_progress_ns = now;
        return;
    }
    constexpr u64 kLimit = kLockupSeconds * 1'000'000'000ull;
    if (now - g_progress_ns < kLimit || now - g_lockup_reported_ns < kLimit) return;
    g_lockup_reported_ns = now;
    Thread& t = *g_current;
    log_backtrace(f.ip(), f.fp(), "BUG: soft lockup - CPU#0 stuck for %lus! [%s:%d]", (now - g_progress_ns) / 1'000'000'000,
                  t.name, t.tid);
}

void on_tick() {
    // Interrupt context, interrupts off.
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
    if (g_current == g_idle) {
        if (!g_run_queue.empty()) switch_away();
        return;
    }
    if (g_current->slice_ticks) g_current->slice_ticks--;
    if (g_current->slice_ticks == 0 && !g_run_queue.empty()) switch_away();
}

} // namespace sched
} // namespace kernel
