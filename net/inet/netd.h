// The net thread: it runs the stack's deferred work. Drivers hand it received frames
// (from interrupt context too), the loopback interface hands it what it "sends", and
// protocol timers (TCP retransmission, TIME_WAIT, ARP retries) fire in it. Running
// received packets here rather than in the sender's call keeps protocol code from
// re-entering itself (a TCP segment over lo answered by another segment, ...), as
// Linux's softirq does.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/list.h>
#include <lib/own_ptr.h>
#include <lib/types.h>
#include <net/inet/packet.h>

namespace net::inet {
class Interface;

// Queues a frame received on `iface`. Interrupt-safe; may be called without the
// stack's lock. The queue is bounded: beyond it the frame is dropped (counted).
void queue_received(Interface& iface, lv::OwnPtr<Packet> p);

// A one-shot timer run by the net thread in a giant::Section. Re-arming an armed
// timer moves it; a timer must be cancelled before its owner is freed.
struct Timer {
    lv::ListNode node;
    u64 deadline_ns = 0;
    void (*fire)(Timer&) = nullptr;
    bool armed() const { return node.linked(); }
};
void timer_arm(Timer& t, u64 deadline_ns);
void timer_arm_in(Timer& t, u64 delay_ns); // from now
void timer_cancel(Timer& t);

// Processes what is queued now, in the caller's context: socket calls run it before
// they return, so that traffic over lo is handled at once, as Linux's softirq does on
// the way out of a system call, instead of waiting for the net thread to be scheduled.
// Call it with interrupts on and no stack lock held.
void process_backlog() LV_REQUIRES_GIANT;
// The same as an object: its destructor runs process_backlog(). Declared first in a
// socket call, it runs after the call's locks are gone.
struct BacklogFlush {
    BacklogFlush() = default;
    BacklogFlush(const BacklogFlush&) = delete;
    ~BacklogFlush() { process_backlog(); }
};

// Makes the net thread run its loop soon (frames to transmit). Interrupt-safe.
void wake_net_thread();

// Starts the thread (net::inet::init does, once interfaces exist).
void start_net_thread();
} // namespace net::inet
