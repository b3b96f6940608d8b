// Deferred work. What an interrupt handler must not do itself because it needs the giant
// lock (kernel/sync/giant.h) — sending a signal, feeding the network stack, the console's
// line discipline — it queues here, and the kernel's work thread ("kworker") runs it,
// holding that lock (Linux's threaded interrupts and workqueues). So no interrupt
// handler waits for the giant lock: a CPU taking an interrupt never spins for a lock
// that a system call on another CPU may hold for long.
#pragma once
#include <lib/list.h>

namespace kernel::work {
struct Item {
    void (*fn)(void* arg) = nullptr; // runs in the work thread, in a giant::Section
    void* arg = nullptr;
    lv::ListNode node; // on the queue while pending (the queue's lock)
};

// Queues `item` to run once. If it is pending already nothing changes: it runs once for
// both, so the function must do all the work there is, not one unit of it. From any
// context, interrupt handlers included. An item lives as long as the kernel (a
// device's, a subsystem's): there is no cancel.
void queue(Item& item);
// Starts the work thread; items queued before wait for it.
void start();
} // namespace kernel::work
