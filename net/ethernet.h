// Ethernet (DIX) interfaces: eth0, eth1, ... Frames carry IPv4 (0x0800) and ARP
// (0x0806); next-hop addresses are resolved to MAC addresses by the interface's ARP
// cache (net/arp.h). A network driver plugs in by deriving from EthernetInterface
// (transmit, link state) and handing every received frame to frame_received().
#pragma once
#include <lib/result.h>
#include <net/arp.h>
#include <net/inet/interface.h>

namespace net::inet {
class EthernetInterface : public Interface {
public:
    EthernetInterface();
    ArpCache arp;

    void send_ipv4(lv::OwnPtr<Packet> p, u32 next_hop) override;
    void receive(lv::OwnPtr<Packet> p) override;
    void reconfigured() override { arp.flush(); }

    // Prepends an Ethernet header (from this interface's MAC) and transmits.
    void send_frame(lv::OwnPtr<Packet> p, const MacAddr& dst, u16 ether_type);

    // For the driver, from any context (interrupts too): a frame arrived. It is copied,
    // so the driver may reuse its buffer at once.
    void frame_received(const void* frame, size_t len);
    // For the driver: the link went up or down (IFF_RUNNING follows).
    void set_link(bool up);

protected:
    // The driver's half: put one whole frame (data() at the Ethernet header) on the
    // wire. Called with interrupts off; must not sleep. An error counts as a drop.
    virtual ErrorOr<void> transmit(lv::OwnPtr<Packet> frame) = 0;
};

// Registers a new Ethernet interface as eth<N> (the next free N), down; configure it
// with set_interface_address and kIffUp (net/inet/config.h does at boot).
void register_ethernet(EthernetInterface& iface);
} // namespace net::inet
