// One thread waiting on several wait queues at once: Linux's poll_wqueues, for poll,
// select and epoll_wait.
//
//   PollTable table;
//   for (;;) {
//       table.begin_scan();
//       ... for each file: ready |= ops->poll(...); table.add(*ops->wait_queue(...));
//       if (ready || ...) break;
//       TRY(table.sleep(deadline)); // returns at once if a queue was woken meanwhile
//   }
//
// Entries are notify entries (kernel/wait_queue.h): once added they stay queued until
// the table is destroyed, and any wake of their queue marks the table triggered and
// wakes its thread. add() is needed on the first scan only (stop_adding() after it),
// as Linux does: later scans run with the entries already in place.
#pragma once
#include <kernel/wait_queue.h>
#include <lib/result.h>

namespace kernel {
class Thread;

class PollTable {
public:
    PollTable();
    ~PollTable(); // dequeues and frees every entry
    PollTable(const PollTable&) = delete;
    PollTable& operator=(const PollTable&) = delete;

    // Before checking readiness: forget wakes seen so far.
    void begin_scan();
    // Queues an entry for the current thread on `q`; ENOMEM is remembered and reported
    // by sleep() (as Linux's poll does), so callers may ignore it here.
    void add(WaitQueue& q);
    bool adding() const { return m_adding; }
    void stop_adding() { m_adding = false; }
    // Sleeps unless a queue was woken since begin_scan(); EINTR, ETIMEDOUT (deadline in
    // monotonic ns, kNoDeadline for none), or ENOMEM if an entry could not be made.
    ErrorOr<void> sleep(u64 deadline_ns);

private:
    struct Entry {
        WaitQueue::Waiter waiter; // first: notify() finds the Entry from it
        WaitQueue* queue;
        PollTable* table;
    };
    // Entries live in fixed chunks so that their addresses never change.
    struct Chunk {
        Chunk* next;
        size_t used;
        Entry entries[16];
    };
    static void notify(WaitQueue::Waiter& w, u32 key);

    Thread* m_thread;
    Chunk m_first;   // most waits watch few queues: no allocation then
    Chunk* m_last;
    // A queue was woken since begin_scan(): set by notify() (under the woken queue's
    // lock, maybe in interrupt context), read by sleep() with the thread marked asleep
    // before the lock is given up (sched::sleep_releasing), so no wake is lost.
    Spinlock m_lock {"poll table"};
    bool m_triggered LV_GUARDED_BY(m_lock) = false;
    bool m_adding = true;
    bool m_no_memory = false;
};

// ppoll, pselect6 and epoll_pwait run with a temporary signal mask. Linux restores the
// old one on return, except when the call is interrupted (EINTR): the old mask then goes
// into the handler's signal frame and comes back with sigreturn (kernel/signal.cpp, the
// same path as rt_sigsuspend), so that the handler runs for a signal the call unblocked.
class SigmaskSwap {
public:
    // `mask` null: no swap.
    explicit SigmaskSwap(const u64* mask);
    // Call with the syscall's result before returning.
    void finish(bool interrupted);
    ~SigmaskSwap();

private:
    bool m_active = false;
};
} // namespace kernel
