#include <kernel/lock.h>
#include <kernel/poll_table.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
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
    InterruptGuard g;
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
    e.table->m_triggered = true;
    sched::wake(*e.table->m_thread);
}

ErrorOr<void> PollTable::sleep(u64 deadline_ns) {
    if (m_no_memory) return Errno::ENOMEM;
    InterruptGuard g;
    if (m_triggered) return {};
    return sleep_interruptible_until(deadline_ns);
}

namespace {
constexpr u64 kUnblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));
}

SigmaskSwap::SigmaskSwap(const u64* mask) {
    if (!mask) return;
    Thread& t = current_thread();
    InterruptGuard g;
    t.mask_before_suspend = t.sigmask;
    t.in_sigsuspend = true;
    t.sigmask = *mask & ~kUnblockable;
    m_active = true;
}

void SigmaskSwap::finish(bool interrupted) {
    if (!m_active) return;
    m_active = false;
    if (interrupted) return; // before_return_to_user() restores it, after the handler if any
    Thread& t = current_thread();
    InterruptGuard g;
    t.sigmask = t.mask_before_suspend;
    t.in_sigsuspend = false;
}

SigmaskSwap::~SigmaskSwap() { finish(false); }
} // namespace kernel
