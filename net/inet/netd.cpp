#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/thread.h>
#include <kernel/time.h>
#include <kernel/wait_queue.h>
#include <net/inet/interface.h>
#include <net/inet/netd.h>
#include <net/inet/tcp.h>

namespace net::inet {
namespace {
// Received frames waiting for the thread. Bounded like Linux's netdev_max_backlog, so
// a flood costs dropped frames rather than all of memory.
constexpr size_t kMaxBacklog = 1000;
PacketQueue g_rx LV_GUARDED_BY_GIANT;
size_t g_rx_count LV_GUARDED_BY_GIANT = 0;

lv::IntrusiveList<Timer, &Timer::node> g_timers LV_GUARDED_BY_GIANT; // unsorted: there are few
kernel::WaitQueue g_wake;
u64 g_sleep_deadline LV_GUARDED_BY_GIANT = 0; // what the thread sleeps until (0: it is awake)
bool g_sleeping LV_GUARDED_BY_GIANT = false;
bool g_tx_requested LV_GUARDED_BY_GIANT = false; // frames were queued for a driver since the loop looked

u64 earliest_deadline() LV_REQUIRES_GIANT {
    u64 d = ~0ull;
    for (Timer& t : g_timers)
        if (t.deadline_ns < d) d = t.deadline_ns;
    return d;
}

void run_expired_timers() LV_REQUIRES_GIANT {
    u64 now = kernel::time::monotonic_ns();
    // A callback may arm or cancel other timers: restart the scan after each one.
    for (bool again = true; again;) {
        again = false;
        for (Timer& t : g_timers) {
            if (t.deadline_ns > now) continue;
            g_timers.remove(t);
            t.fire(t);
            again = true;
            break;
        }
    }
}

// Takes and processes received packets, each in its own critical section so that
// interrupts get in between; at most `limit` of them.
void process_received(size_t limit) LV_REQUIRES_GIANT {
    for (size_t i = 0; i < limit; i++) {
        kernel::giant::Section g;
        Packet* p = g_rx.pop_front();
        if (!p) break;
        g_rx_count--;
        lv::OwnPtr<Packet> own(p);
        Interface* iface = p->iface;
        iface->receive(lv::move(own));
    }
    tcp_reap(); // connections that ended, released outside the critical section
    // What the protocols sent meanwhile goes to the drivers, outside the lock.
    for (Interface& i : interfaces()) i.transmit_pending();
}

void net_thread(void*) {
    kernel::giant::assert_held(); // a kernel thread holds it unless asleep (sched::thread_start)
    for (;;) {
        process_received(~size_t(0));
        kernel::giant::Section g;
        run_expired_timers();
        if (!g_rx.empty() || tcp_reap_pending() || g_tx_requested) {
            g_tx_requested = false;
            continue;
        }
        u64 deadline = earliest_deadline();
        u64 now = kernel::time::monotonic_ns();
        if (deadline <= now) continue;
        g_sleeping = true;
        g_sleep_deadline = deadline;
        if (deadline == ~0ull) (void)g_wake.wait_interruptible();
        else (void)g_wake.wait_interruptible_for(deadline - now);
        g_sleeping = false;
    }
}
} // namespace

void queue_received(Interface& iface, lv::OwnPtr<Packet> p) {
    kernel::giant::Section g;
    if (g_rx_count >= kMaxBacklog) {
        iface.stats.rx_dropped++;
        return;
    }
    Packet* raw = p.leak();
    raw->iface = &iface;
    g_rx.push_back(*raw);
    g_rx_count++;
    if (g_sleeping) g_wake.wake_all();
}

void wake_net_thread() {
    kernel::giant::Section g;
    g_tx_requested = true;
    if (g_sleeping) g_wake.wake_all();
}

void process_backlog() LV_REQUIRES_GIANT {
    // Bounded: a conversation over lo feeds itself; the net thread does the rest.
    process_received(64);
}

void timer_arm(Timer& t, u64 deadline_ns) {
    kernel::giant::Section g;
    if (t.armed()) g_timers.remove(t);
    t.deadline_ns = deadline_ns;
    g_timers.push_back(t);
    if (g_sleeping && deadline_ns < g_sleep_deadline) g_wake.wake_all();
}

void timer_arm_in(Timer& t, u64 delay_ns) { timer_arm(t, kernel::time::monotonic_ns() + delay_ns); }

void timer_cancel(Timer& t) {
    kernel::giant::Section g;
    if (t.armed()) g_timers.remove(t);
}

void start_net_thread() {
    kernel::Thread* t = kernel::create_thread(nullptr, net_thread, nullptr, "netd");
    if (!t) kernel::panic("net: cannot create the net thread");
    kernel::sched::add(*t);
}
} // namespace net::inet
