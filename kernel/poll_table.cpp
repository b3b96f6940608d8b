#include <kernel/sync/giant.h>
#include <kernel/poll_table.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <lib/alloc.h>

namespace kernel {
PollTable::PollTable() : m_thread(&current_thread()), m_last(&m_first) {
    m_first.next = nullptr;
    m_first.used = 0;
}

PollTable::~PollTable() {
    for (Chunk* c = &m_first; c;) {
        for (size_t i = 0; i < c->used; i++) c->entries[i].queue->remove(c->entries[i].waiter);
        Chunk* next = c->next;
        if (c != &m_first) kfree(c);
        c = next;
    }
}

void PollTable::begin_scan() {
    SpinlockLocker l(m_lock);
    m_triggered = false;
}

void PollTable::add(WaitQueue& q) {
    if (!m_adding) return;
    if (m_last->used == sizeof m_last->entries / sizeof *m_last->entries) {
        auto* c = static_cast<Chunk*>(kmalloc(sizeof(Chunk)));
        if (!c) {
            m_no_memory = true;
            return;
        }
        c->next = nullptr;
        c->used = 0;
        m_last->next = c;
        m_last = c;
    }
    Entry& e = *new (&m_last->entries[m_last->used]) Entry {};
    e.waiter.notify = notify;
    e.queue = &q;
    e.table = this;
    m_last->used++;
    q.add(e.waiter);
}

void PollTable::notify(WaitQueue::Waiter& w, u32) {
    auto& e = reinterpret_cast<Entry&>(w);
    SpinlockLocker l(e.table->m_lock);
    e.table->m_triggered = true;
    sched::wake(*e.table->m_thread);
}

ErrorOr<void> PollTable::sleep(u64 deadline_ns) {
    if (m_no_memory) return Errno::ENOMEM;
    SpinlockLocker l(m_lock);
    if (m_triggered) return {};
    // A signal sent after this check wakes the thread (sched::wake), or leaves a pending
    // wake that makes the sleep return at once.
    if (signal_pending()) return Errno::EINTR;
    if (deadline_ns != kNoDeadline && time::monotonic_ns() >= deadline_ns) return Errno::ETIMEDOUT;
    if (sched::sleep_releasing(m_lock, deadline_ns)) return Errno::ETIMEDOUT;
    if (signal_pending()) return Errno::EINTR;
    return {};
}

namespace {
constexpr u64 kUnblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));
}

SigmaskSwap::SigmaskSwap(const u64* mask) {
    if (!mask) return;
    Thread& t = current_thread();
    giant::Section g;
    t.own().mask_before_suspend = t.sigmask();
    t.own().in_sigsuspend = true;
    t.set_sigmask(*mask & ~kUnblockable);
    m_active = true;
}

void SigmaskSwap::finish(bool interrupted) {
    if (!m_active) return;
    m_active = false;
    if (interrupted) return; // before_return_to_user() restores it, after the handler if any
    Thread& t = current_thread();
    giant::Section g;
    t.set_sigmask(t.own().mask_before_suspend);
    t.own().in_sigsuspend = false;
}

SigmaskSwap::~SigmaskSwap() { finish(false); }
} // namespace kernel
