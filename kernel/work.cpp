#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/sync/giant.h>
#include <kernel/sync/spinlock.h>
#include <kernel/thread.h>
#include <kernel/wait_queue.h>
#include <kernel/work.h>

namespace kernel::work {
namespace {
// Taken by interrupt handlers (queue) and the work thread; nothing is taken under it
// but the wait queue's own lock.
Spinlock g_lock {"work"};
lv::IntrusiveList<Item, &Item::node> g_queue LV_GUARDED_BY(g_lock);
WaitQueue g_wake; // the work thread waits here, with g_lock

void work_thread(void*) {
    giant::assert_held(); // a kernel thread holds it unless asleep (sched::thread_start)
    for (;;) {
        Item* item;
        {
            SpinlockLocker l(g_lock);
            while (!(item = g_queue.pop_front())) g_wake.wait_locked_uninterruptible(g_lock);
        }
        // Off the queue before it runs: queued again meanwhile, it runs again after. As
        // one step, as it would have in the interrupt handler: not preempted (which
        // would give the giant lock up in the middle of, say, a walk of a ring).
        giant::Section section;
        item->fn(item->arg);
    }
}
} // namespace

void queue(Item& item) {
    SpinlockLocker l(g_lock);
    if (item.node.linked()) return;
    g_queue.push_back(item);
    g_wake.wake_all();
}

void start() {
    Thread* t = create_thread(nullptr, work_thread, nullptr, "kworker");
    if (!t) panic("cannot create the work thread");
    // Real time, as Linux's interrupt threads (SCHED_FIFO 50): what it runs is what the
    // interrupt handlers would have done at once, and user threads that keep every CPU
    // busy (SCHED_FIFO spinners included, below 50) must not hold back a timer's signal,
    // a ^C or the network.
    t->sched_attr().policy = SchedAttr::kFifo;
    t->sched_attr().priority = 50;
    sched::add(*t);
}
} // namespace kernel::work
