// Network interfaces as the IPv4 stack sees them: a name (lo, eth0), flags, an MTU, a
// link-layer address and one IPv4 address with its netmask. The link layer behind it
// (loopback, Ethernet with ARP over a driver's NetDevice) implements send_ipv4 and
// receive.
//
// Locking: the whole stack (interfaces, routes, ARP, sockets, timers) is under the giant
// lock (kernel/sync/giant.h): its data is marked LV_GUARDED_BY_GIANT and the functions
// that touch it LV_REQUIRES_GIANT, checked by clang. Sections that must run as one step
// are kernel::giant::Sections. Received frames reach the stack through the net thread
// (net/inet/netd.h), never directly from a driver's interrupt.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/list.h>
#include <lib/own_ptr.h>
#include <net/inet/packet.h>
#include <net/inet/wire.h>

namespace net::inet {
// SIOCGIFFLAGS bits (include/uapi/linux/if.h).
constexpr u32 kIffUp = 0x1, kIffBroadcast = 0x2, kIffLoopback = 0x8, kIffRunning = 0x40, kIffMulticast = 0x1000,
              kIffLowerUp = 0x10000;
// ARPHRD_* hardware types (include/uapi/linux/if_arp.h), for SIOCGIFHWADDR.
constexpr u16 kArphrdEther = 1, kArphrdLoopback = 772;
constexpr size_t kIfNameSize = 16; // IFNAMSIZ

struct InterfaceStats {
    u64 rx_packets = 0, rx_bytes = 0, rx_errors = 0, rx_dropped = 0;
    u64 tx_packets = 0, tx_bytes = 0, tx_errors = 0, tx_dropped = 0;
};

class Interface {
public:
    virtual ~Interface() = default;

    char name[kIfNameSize] = {};
    int index = 0;         // ifindex: 1 for lo, then in registration order
    u32 flags LV_GUARDED_BY_GIANT = 0;  // kIff*; kIffRunning mirrors the link state
    u32 mtu LV_GUARDED_BY_GIANT = 1500; // largest IPv4 datagram on this link
    u32 tx_queue_len LV_GUARDED_BY_GIANT = 1000;
    u16 hw_type = kArphrdEther; // set before registration
    MacAddr mac {};             // set before registration
    u32 addr LV_GUARDED_BY_GIANT = 0, netmask LV_GUARDED_BY_GIANT = 0,
        broadcast LV_GUARDED_BY_GIANT = 0; // IPv4, host order; addr 0: unconfigured
    InterfaceStats stats LV_GUARDED_BY_GIANT;
    lv::ListNode node;

    bool is_up() const LV_REQUIRES_GIANT { return flags & kIffUp; }
    bool is_loopback() const LV_REQUIRES_GIANT { return flags & kIffLoopback; }
    // An address of the attached subnet (this interface's own network).
    bool on_link(u32 ip) const LV_REQUIRES_GIANT { return addr && (ip & netmask) == (addr & netmask); }

    // Sends an IPv4 datagram (data() at its IPv4 header) to `next_hop` on this link:
    // the destination itself, or a gateway. Drops it (counted) if the link cannot.
    virtual void send_ipv4(lv::OwnPtr<Packet> p, u32 next_hop) LV_REQUIRES_GIANT = 0;
    // A frame received on this interface, in the net thread (data() at the link header).
    virtual void receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT = 0;
    // The link changed state or configuration (flags, address): drop cached state.
    virtual void reconfigured() LV_REQUIRES_GIANT {}
    // Hands queued frames to the driver. Called by the net thread and process_backlog()
    // with interrupts on and no stack lock held (a driver may sleep for ring space).
    virtual void transmit_pending() LV_REQUIRES_GIANT {}
};

// Adds an interface and gives it the next index. The stack never frees interfaces.
void register_interface(Interface& iface);
lv::IntrusiveList<Interface, &Interface::node>& interfaces();
Interface* find_interface(const char* name, size_t len);
Interface* find_interface(int index);
// The interface that owns `ip` as its address (or lo for 127/8); null if none.
Interface* interface_with_address(u32 ip) LV_REQUIRES_GIANT;
Interface* loopback_interface() LV_REQUIRES_GIANT;
// Assigns an address; netmask 0 keeps the classful default, broadcast follows.
void set_interface_address(Interface& iface, u32 addr, u32 netmask) LV_REQUIRES_GIANT;
} // namespace net::inet
