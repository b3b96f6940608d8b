// Ethernet (DIX) interfaces: eth0, eth1, ... Frames carry IPv4 (0x0800) and ARP
// (0x0806); next-hop addresses are resolved to MAC addresses by the interface's ARP
// cache (net/arp.h). A driver plugs in by deriving from EthernetInterface (transmit)
// and handing every received frame to frame_received(); net/ethernet_netdev.cpp does that for
// the drivers' NetDevices (drivers/net/net_device.h).
//
// Frames to send wait in a queue (bounded by tx_queue_len) and reach the driver from
// transmit_pending(), outside the stack's lock: a driver may sleep for ring space, and
// protocol code never runs across such a sleep.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/result.h>
#include <net/arp.h>
#include <net/inet/interface.h>

namespace net::inet {
class EthernetInterface : public Interface {
public:
    EthernetInterface();
    ArpCache arp;

    void send_ipv4(lv::OwnPtr<Packet> p, u32 next_hop) LV_REQUIRES_GIANT override;
    void receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT override;
    void reconfigured() LV_REQUIRES_GIANT override { arp.flush(); }
    void transmit_pending() LV_REQUIRES_GIANT override;

    // Prepends an Ethernet header (from this interface's MAC) and transmits.
    void send_frame(lv::OwnPtr<Packet> p, const MacAddr& dst, u16 ether_type) LV_REQUIRES_GIANT;

    // For the driver, from any context (interrupts too): a frame arrived. It is copied,
    // so the driver may reuse its buffer at once.
    void frame_received(const void* frame, size_t len) LV_REQUIRES_GIANT;
    // For the driver: the link went up or down (IFF_RUNNING follows).
    void set_link(bool up) LV_REQUIRES_GIANT;

protected:
    // The driver's half: put one whole frame (data() at the Ethernet header) on the
    // wire. Called with interrupts on and no stack lock held; may sleep briefly. An
    // error counts as a drop.
    virtual ErrorOr<void> transmit(const Packet& frame) = 0;

private:
    bool drop_for_test(u64& counter) LV_REQUIRES_GIANT;
    PacketQueue m_tx_queue LV_GUARDED_BY_GIANT;
    size_t m_tx_queued LV_GUARDED_BY_GIANT = 0;
    u64 m_rx_seen LV_GUARDED_BY_GIANT = 0, m_tx_seen LV_GUARDED_BY_GIANT = 0; // frames, for levitate.netdrop
};

// levitate.netdrop=N on the command line: every Ethernet interface drops every Nth frame
// it receives and every Nth it sends, so that tests can see retransmission at work
// (0: none, the default).
void set_test_frame_drop(u32 every);

// Registers an Ethernet interface (named eth<N>, the next free N, unless it has a
// name already), down; the boot configuration (net/inet/config.h) may bring it up.
void register_ethernet(EthernetInterface& iface);
} // namespace net::inet
