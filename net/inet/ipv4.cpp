#include <kernel/log.h>
#include <net/inet/checksum.h>
#include <net/inet/icmp.h>
#include <net/inet/interface.h>
#include <net/inet/ip_fragment.h>
#include <net/inet/ipv4.h>
#include <net/inet/raw.h>

namespace net::inet {
namespace {
u16 g_next_id = 1;

// Source addresses that can never be a sender (RFC 1122 3.2.1.3): drop such datagrams.
bool martian_source(u32 src) { return is_multicast(src) || src == kInaddrBroadcast || (src >> 24) == 0; }
} // namespace

void ipv4_receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT {
    Interface& iface = *p->iface;
    if (p->length() < sizeof(Ipv4Header)) return (void)iface.stats.rx_errors++;
    auto* ip = reinterpret_cast<const Ipv4Header*>(p->data());
    size_t hlen = ip->header_length();
    size_t total = ip->total_length.get();
    if ((ip->version_ihl >> 4) != 4 || hlen < sizeof(Ipv4Header) || total < hlen || total > p->length() ||
        checksum(ip, hlen) != 0)
        return (void)iface.stats.rx_errors++;
    p->trim(total); // Ethernet pads short frames
    if (ip->frag.get() & (kIpMoreFragments | kIpOffsetMask)) {
        p = ipv4_reassemble(lv::move(p));
        if (!p) return; // kept for later, or dropped
        ip = reinterpret_cast<const Ipv4Header*>(p->data());
        hlen = ip->header_length();
    }

    u32 src = ip->src.get(), dst = ip->dst.get();
    bool for_us = interface_with_address(dst) || is_broadcast(dst);
    // Loopback carries only what this host sent to itself; anything else there is forged.
    if (!for_us || martian_source(src) || (iface.is_loopback() && !interface_with_address(src) && src != 0))
        return (void)iface.stats.rx_dropped++;
    // 127/8 never arrives from a wire (RFC 1122 3.2.1.3).
    if (!iface.is_loopback() && ((src >> 24) == 127 || (dst >> 24) == 127)) return (void)iface.stats.rx_dropped++;

    p->src_ip = src;
    p->dst_ip = dst;
    p->ip_ttl = ip->ttl;
    p->network_offset = size_t(p->data() - p->buffer());
    u8 protocol = ip->protocol;
    p->pull(hlen);
    bool raw = raw_deliver(*p, protocol); // raw sockets get a copy of everything
    switch (protocol) {
    case kProtoIcmp: icmp_receive(lv::move(p)); break;
    case kProtoUdp: udp_receive(lv::move(p)); break;
    case kProtoTcp: tcp_receive(lv::move(p)); break;
    default:
        // Nobody speaks this protocol unless a raw socket took it (ip_local_deliver_finish).
        if (!raw && !is_broadcast(dst)) icmp_send_error(*p, kIcmpDestUnreachable, kIcmpProtoUnreachable);
        break;
    }
}

ErrorOr<void> ipv4_send(lv::OwnPtr<Packet> p, const Ipv4Send& s, const RouteResult& route) LV_REQUIRES_GIANT {
    Interface& iface = *route.iface;
    size_t total = p->length() + sizeof(Ipv4Header);
    bool fragment = total > iface.mtu;
    if (fragment && !s.may_fragment) {
        iface.stats.tx_dropped++;
        return Errno::EMSGSIZE;
    }
    if (p->headroom() < sizeof(Ipv4Header)) return Errno::ENOBUFS;
    auto* ip = reinterpret_cast<Ipv4Header*>(p->push(sizeof(Ipv4Header)));
    ip->version_ihl = 0x45;
    ip->tos = s.tos;
    ip->total_length.set(u16(total));
    ip->id.set(g_next_id++);
    ip->frag.set(s.dont_fragment && !fragment ? kIpDontFragment : 0);
    ip->ttl = s.ttl;
    ip->protocol = s.protocol;
    ip->checksum.set(0);
    ip->src.set(s.src ? s.src : route.src);
    ip->dst.set(s.dst);
    if (fragment) {
        ipv4_send_fragments(lv::move(p), iface, route.next_hop);
        return {};
    }
    ip->checksum.set(checksum(ip, sizeof(Ipv4Header)));
    iface.send_ipv4(lv::move(p), route.next_hop);
    return {};
}

ErrorOr<void> ipv4_send_datagram(lv::OwnPtr<Packet> p, const RouteResult& route) LV_REQUIRES_GIANT {
    if (p->length() > route.iface->mtu) {
        route.iface->stats.tx_dropped++;
        return Errno::EMSGSIZE;
    }
    route.iface->send_ipv4(lv::move(p), route.next_hop);
    return {};
}

ErrorOr<void> ipv4_send(lv::OwnPtr<Packet> p, const Ipv4Send& s) LV_REQUIRES_GIANT {
    RouteResult route = TRY(route_output(s.dst));
    return ipv4_send(lv::move(p), s, route);
}
} // namespace net::inet
