#include <lib/string.h>
#include <net/inet/checksum.h>
#include <net/inet/icmp.h>
#include <net/inet/interface.h>
#include <net/inet/ipv4.h>
#include <net/inet/route.h>
#include <net/inet/wire.h>

namespace net::inet {
namespace {
// How much of the offending datagram an error quotes: its header and 8 bytes (RFC 792),
// which hold the ports of UDP and TCP.
constexpr size_t kQuotePayload = 8;

void echo_reply(const Packet& req, const u8* msg, size_t len) LV_REQUIRES_GIANT {
    // Linux ignores echo requests sent to broadcast addresses (icmp_echo_ignore_broadcasts).
    if (is_broadcast(req.dst_ip) || is_multicast(req.dst_ip)) return;
    lv::OwnPtr<Packet> p = Packet::make(len);
    if (!p) return;
    u8* out = p->put(len);
    memcpy(out, msg, len);
    auto* h = reinterpret_cast<IcmpHeader*>(out);
    h->type = kIcmpEchoReply;
    h->code = 0;
    h->checksum.set(0);
    h->checksum.set(checksum(out, len));
    Ipv4Send s;
    s.src = req.dst_ip;
    s.dst = req.src_ip;
    s.protocol = kProtoIcmp;
    (void)ipv4_send(lv::move(p), s);
}

void deliver_error(const u8* msg, size_t len) LV_REQUIRES_GIANT {
    auto* h = reinterpret_cast<const IcmpHeader*>(msg);
    IcmpError e;
    if (!icmp_error_of(h->type, h->code, e)) return;
    // The quoted datagram: its IPv4 header and at least 8 bytes of its payload.
    const u8* q = msg + sizeof(IcmpHeader);
    size_t qlen = len - sizeof(IcmpHeader);
    if (qlen < sizeof(Ipv4Header)) return;
    auto* ip = reinterpret_cast<const Ipv4Header*>(q);
    size_t hlen = ip->header_length();
    if (hlen < sizeof(Ipv4Header) || qlen < hlen + kQuotePayload) return;
    IcmpQuote quote {};
    quote.src = ip->src.get();
    quote.dst = ip->dst.get();
    // Both UDP and TCP start with the two ports; TCP's sequence number follows.
    const u8* t = q + hlen;
    quote.sport = u16(t[0] << 8 | t[1]);
    quote.dport = u16(t[2] << 8 | t[3]);
    quote.tcp_seq = u32(t[4]) << 24 | u32(t[5]) << 16 | u32(t[6]) << 8 | t[7];
    if (ip->protocol == kProtoUdp) udp_icmp_error(quote, e);
    else if (ip->protocol == kProtoTcp) tcp_icmp_error(quote, e);
}
} // namespace

bool icmp_error_of(u8 type, u8 code, IcmpError& out) {
    if (type == kIcmpTimeExceeded) {
        out = {Errno::EHOSTUNREACH, false};
        return true;
    }
    if (type == kIcmpParameterProblem) {
        out = {Errno::EPROTO, false};
        return true;
    }
    if (type != kIcmpDestUnreachable) return false;
    // include/net/icmp.h icmp_err_convert[]: unreachable codes 0..15.
    static constexpr IcmpError table[] = {
        {Errno::ENETUNREACH, false},  // network unreachable
        {Errno::EHOSTUNREACH, false}, // host unreachable
        {Errno::ENOPROTOOPT, true},   // protocol unreachable
        {Errno::ECONNREFUSED, true},  // port unreachable
        {Errno::EMSGSIZE, false},     // fragmentation needed (path MTU)
        {Errno::EOPNOTSUPP, false},   // source route failed
        {Errno::ENETUNREACH, true},   // network unknown
        {Errno::EHOSTDOWN, true},     // host unknown
        {Errno::ENONET, true},        // source host isolated
        {Errno::ENETUNREACH, true},   // network prohibited
        {Errno::EHOSTUNREACH, true},  // host prohibited
        {Errno::ENETUNREACH, false},  // network unreachable for TOS
        {Errno::EHOSTUNREACH, false}, // host unreachable for TOS
        {Errno::EHOSTUNREACH, true},  // communication prohibited
        {Errno::EHOSTUNREACH, true},  // host precedence violation
        {Errno::EHOSTUNREACH, true},  // precedence cut-off
    };
    if (code >= sizeof(table) / sizeof(table[0])) return false;
    out = table[code];
    return true;
}

void icmp_receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT {
    size_t len = p->length();
    const u8* msg = p->data();
    if (len < sizeof(IcmpHeader) || checksum(msg, len) != 0) return (void)p->iface->stats.rx_errors++;
    switch (reinterpret_cast<const IcmpHeader*>(msg)->type) {
    case kIcmpEchoRequest: echo_reply(*p, msg, len); break;
    case kIcmpDestUnreachable:
    case kIcmpTimeExceeded:
    case kIcmpParameterProblem: deliver_error(msg, len); break;
    default: break; // echo replies: no ping sockets yet
    }
}

void icmp_send_error(const Packet& offending, u8 type, u8 code) LV_REQUIRES_GIANT {
    const u8* orig = const_cast<Packet&>(offending).buffer() + offending.network_offset;
    auto* ip = reinterpret_cast<const Ipv4Header*>(orig);
    u32 src = offending.src_ip, dst = offending.dst_ip;
    if (is_broadcast(dst) || is_multicast(dst) || is_broadcast(src) || is_multicast(src) || src == 0) return;
    if (ip->frag.get() & kIpOffsetMask) return;
    size_t hlen = ip->header_length();
    size_t avail = size_t(offending.data() - orig) + offending.length(); // header + what is left
    if (ip->protocol == kProtoIcmp) {
        // Never an error about an error (only about queries: echo and the like).
        if (avail <= hlen) return;
        u8 t = orig[hlen];
        if (t != kIcmpEchoRequest && t != kIcmpEchoReply && t != 13 && t != 14 && t != 15 && t != 16) return;
    }
    size_t quote = min(avail, hlen + kQuotePayload);
    lv::OwnPtr<Packet> p = Packet::make(sizeof(IcmpHeader) + quote);
    if (!p) return;
    auto* h = reinterpret_cast<IcmpHeader*>(p->put(sizeof(IcmpHeader)));
    h->type = type;
    h->code = code;
    h->rest.set(0);
    h->checksum.set(0);
    memcpy(p->put(quote), orig, quote);
    h->checksum.set(checksum(p->data(), p->length()));
    Ipv4Send s;
    s.src = interface_with_address(dst) ? dst : 0;
    s.dst = src;
    s.protocol = kProtoIcmp;
    (void)ipv4_send(lv::move(p), s);
}
} // namespace net::inet
