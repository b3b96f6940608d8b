// Network interfaces for the network stack: a NetDevice sends and receives whole
// Ethernet frames (destination MAC, source MAC, EtherType, payload; no preamble, no
// FCS). Drivers (virtio-net) implement send() and hand received frames to
// deliver_received(), which queues them; the stack takes them with receive(), sleeping
// on rx_wait() or woken by an rx callback.
//
// Locking: the receive queue is guarded by its spinlock ("net rx"), the callbacks'
// registration by the giant lock (a giant::Section; the drivers deliver frames from the
// work thread, which holds it). send() may block
// briefly for ring space: call it from thread context.
#pragma once
#include <kernel/sync/giant.h>
#include <kernel/sync/spinlock.h>
#include <kernel/wait_queue.h>
#include <lib/list.h>
#include <lib/result.h>
#include <lib/types.h>

namespace drivers::net {
constexpr size_t kEthHeaderLen = 14;
constexpr size_t kEthMinFrame = 60;     // without FCS: shorter frames are padded by send()
constexpr size_t kEthDefaultMtu = 1500; // payload bytes
constexpr size_t kMaxFrameLen = kEthHeaderLen + 4 + 9000; // room for a VLAN tag and jumbo MTUs

struct MacAddress {
    u8 bytes[6];
};

// A received frame, owned by whoever took it from the queue (free with release()).
struct Frame {
    lv::ListNode node;
    size_t len = 0;
    u8* data() { return reinterpret_cast<u8*>(this + 1); }
    static Frame* make(size_t len); // header and data in one kmalloc block; null on ENOMEM
    void release();
};

class NetDevice {
public:
    virtual ~NetDevice();

    // ---- what drivers provide
    // Queues one frame for transmission (copied; `len` from 14 to mtu + 14 bytes, padded
    // to 60). EMSGSIZE if too long, ENOBUFS when the driver's ring stays full. Without
    // link the frame is lost, as on Linux (check link_up()).
    virtual ErrorOr<void> send(const u8* frame, size_t len) = 0;
    virtual bool link_up() const = 0;

    char name[16] = {};  // "eth0": set by register_device
    MacAddress mac {};
    u32 mtu = kEthDefaultMtu;
    u32 index = 0;       // registration order (ifindex - 1)

    // ---- what the stack uses
    // The oldest received frame, or null (never blocks). The caller owns it.
    Frame* receive();
    // Sleeps until a frame is queued (or a signal, EINTR), then returns it.
    ErrorOr<Frame*> receive_blocking();
    kernel::WaitQueue& rx_wait() { return m_rx_wait; }
    // Called in interrupt context after each frame is queued (e.g. to wake the stack's
    // thread). Null to remove.
    void set_rx_callback(void (*cb)(NetDevice&, void*), void* ctx);
    // Called in interrupt context when the link goes up or down (link_up() tells which).
    void set_link_callback(void (*cb)(NetDevice&, void*), void* ctx);

    // Counters (as /proc/net/dev shows them; the rx ones change under the rx lock, and
    // are read without it).
    u64 rx_packets = 0, rx_bytes = 0, rx_dropped = 0;
    u64 tx_packets = 0, tx_bytes = 0, tx_dropped = 0;

protected:
    // For drivers, in interrupt context: copies the frame into the receive queue (drops
    // it, counted, when the queue is full or memory is short).
    void deliver_received(const u8* frame, size_t len) LV_REQUIRES_GIANT;
    // For drivers, in interrupt context: the link state may have changed.
    void link_changed();

private:
    static constexpr size_t kMaxQueued = 512;
    kernel::Spinlock m_rx_lock {"net rx"};
    lv::IntrusiveList<Frame, &Frame::node> m_rx_queue LV_GUARDED_BY(m_rx_lock);
    size_t m_rx_count LV_GUARDED_BY(m_rx_lock) = 0;
    kernel::WaitQueue m_rx_wait; // receive_blocking waits with m_rx_lock
    // The stack's hooks (net/ethernet_netdev.cpp), called under the giant lock: they
    // hand frames to the net stack, whose state is under it.
    void (*m_rx_cb)(NetDevice&, void*) LV_GUARDED_BY_GIANT = nullptr;
    void* m_rx_ctx LV_GUARDED_BY_GIANT = nullptr;
    void (*m_link_cb)(NetDevice&, void*) LV_GUARDED_BY_GIANT = nullptr;
    void* m_link_ctx LV_GUARDED_BY_GIANT = nullptr;
};

// Names the device ("eth" + n) and makes it visible to the stack.
ErrorOr<void> register_device(NetDevice& d);
NetDevice* device_at(size_t i); // registration order; null past the end
NetDevice* find(const char* name);
} // namespace drivers::net
