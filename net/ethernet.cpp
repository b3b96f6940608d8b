#include <kernel/sync/giant.h>
#include <lib/format.h>
#include <lib/string.h>
#include <net/ethernet.h>
#include <net/inet/config.h>
#include <net/inet/ipv4.h>
#include <net/inet/netd.h>
#include <net/loopback.h>

namespace net::inet {
namespace {
constexpr size_t kMinFrame = 60; // without the FCS: shorter frames are padded
constexpr size_t kMaxFrame = 1514 + 4; // 1500 + header, and room for a VLAN tag we drop
int g_next_eth = 0;
u32 g_drop_every = 0;
} // namespace

void set_test_frame_drop(u32 every) { g_drop_every = every; }

bool EthernetInterface::drop_for_test(u64& counter) {
    if (!g_drop_every) return false;
    return ++counter % g_drop_every == 0;
}

EthernetInterface::EthernetInterface() : arp(*this) {
    flags = kIffBroadcast | kIffMulticast;
    mtu = 1500;
    hw_type = kArphrdEther;
}

void register_ethernet(EthernetInterface& iface) {
    kernel::giant::Section g;
    create_loopback();
    if (!iface.name[0]) lv::snprintf(iface.name, sizeof iface.name, "eth%d", g_next_eth);
    g_next_eth++;
    register_interface(iface);
    configure_if_boot_interface(iface);
}

void EthernetInterface::send_frame(lv::OwnPtr<Packet> p, const MacAddr& dst, u16 ether_type) {
    if (!is_up() || p->headroom() < sizeof(EthernetHeader)) {
        stats.tx_dropped++;
        return;
    }
    auto* eth = reinterpret_cast<EthernetHeader*>(p->push(sizeof(EthernetHeader)));
    eth->dst = dst;
    eth->src = mac;
    eth->type.set(ether_type);
    if (p->length() < kMinFrame) {
        size_t pad = kMinFrame - p->length();
        if (p->tailroom() >= pad) memset(p->put(pad), 0, pad);
    }
    if (m_tx_queued >= tx_queue_len) {
        stats.tx_dropped++;
        return;
    }
    m_tx_queue.push_back(*p.leak());
    m_tx_queued++;
    wake_net_thread();
}

void EthernetInterface::transmit_pending() {
    for (;;) {
        lv::OwnPtr<Packet> p;
        {
            kernel::giant::Section g;
            Packet* raw = m_tx_queue.pop_front();
            if (!raw) return;
            m_tx_queued--;
            p = lv::OwnPtr<Packet>(raw);
        }
        size_t len = p->length();
        if (drop_for_test(m_tx_seen)) continue; // lost on the "wire"
        bool ok = !transmit(*p).is_error();
        kernel::giant::Section g;
        if (ok) {
            stats.tx_packets++;
            stats.tx_bytes += len;
        } else {
            stats.tx_dropped++;
        }
    }
}

void EthernetInterface::send_ipv4(lv::OwnPtr<Packet> p, u32 next_hop) {
    if (next_hop == kInaddrBroadcast || next_hop == broadcast) {
        send_frame(lv::move(p), kBroadcastMac, kEtherTypeIpv4);
        return;
    }
    if (is_multicast(next_hop)) {
        // RFC 1112 6.4: 01:00:5e and the group's low 23 bits. (Sending needs no group
        // membership; receiving would, and there is no IGMP yet.)
        MacAddr m {{0x01, 0x00, 0x5e, u8((next_hop >> 16) & 0x7f), u8(next_hop >> 8), u8(next_hop)}};
        send_frame(lv::move(p), m, kEtherTypeIpv4);
        return;
    }
    arp.send_ipv4(lv::move(p), next_hop);
}

void EthernetInterface::receive(lv::OwnPtr<Packet> p) {
    if (p->length() < sizeof(EthernetHeader)) return (void)stats.rx_errors++;
    auto* eth = reinterpret_cast<const EthernetHeader*>(p->data());
    if (!(eth->dst == mac) && !eth->dst.is_broadcast()) return (void)stats.rx_dropped++;
    if (drop_for_test(m_rx_seen)) return;
    stats.rx_packets++;
    stats.rx_bytes += p->length();
    if (!is_up()) return;
    u16 type = eth->type.get();
    p->pull(sizeof(EthernetHeader));
    if (type == kEtherTypeIpv4) ipv4_receive(lv::move(p));
    else if (type == kEtherTypeArp) arp.receive(lv::move(p));
    else stats.rx_dropped++; // IPv6, VLANs, ...: not spoken here
}

void EthernetInterface::frame_received(const void* frame, size_t len) {
    if (len > kMaxFrame) {
        stats.rx_errors++;
        return;
    }
    lv::OwnPtr<Packet> p = Packet::copy_of(frame, len, 0);
    if (!p) {
        stats.rx_dropped++;
        return;
    }
    queue_received(*this, lv::move(p));
}

void EthernetInterface::set_link(bool up) {
    kernel::giant::Section g;
    if (up) flags |= kIffRunning | kIffLowerUp;
    else flags &= ~(kIffRunning | kIffLowerUp);
}
} // namespace net::inet
