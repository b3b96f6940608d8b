// IPv4 (RFC 791): receiving datagrams for this host and sending them, fragments
// included (net/inet/ip_fragment.h). No forwarding and no IP options.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/result.h>
#include <net/inet/packet.h>
#include <net/inet/route.h>

namespace net::inet {
constexpr u8 kDefaultTtl = 64; // net.ipv4.ip_default_ttl

// A datagram from a link (data() at its IPv4 header; p->iface set). Validates it,
// fills src_ip/dst_ip, and hands the payload to ICMP, UDP or TCP.
void ipv4_receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT;

struct Ipv4Send {
    u32 src = 0, dst = 0; // src 0: the route's preferred source
    u8 protocol = 0;
    u8 ttl = kDefaultTtl;
    u8 tos = 0;
    bool dont_fragment = true; // DF on a datagram that fits (Linux's path-MTU discovery)
    bool may_fragment = false; // one that does not fit leaves in fragments (else EMSGSIZE)
};
// Prepends the IPv4 header to a transport segment (data() at it) and sends it by
// `route` (from route_output(dst)). The packet is consumed even on error: EMSGSIZE
// when it exceeds the interface's MTU and may not be fragmented.
ErrorOr<void> ipv4_send(lv::OwnPtr<Packet> p, const Ipv4Send& s, const RouteResult& route) LV_REQUIRES_GIANT;
// Same, looking the route up (ENETUNREACH).
ErrorOr<void> ipv4_send(lv::OwnPtr<Packet> p, const Ipv4Send& s) LV_REQUIRES_GIANT;
// Sends a complete datagram (data() at its IPv4 header, checksummed) by `route`:
// raw sockets with IP_HDRINCL. EMSGSIZE beyond the interface's MTU.
ErrorOr<void> ipv4_send_datagram(lv::OwnPtr<Packet> p, const RouteResult& route) LV_REQUIRES_GIANT;

// The transport layers' receive entry points (data() at their header).
void icmp_receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT;
void udp_receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT;
void tcp_receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT;
} // namespace net::inet
