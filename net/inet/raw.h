// Raw IPv4 sockets (raw(7)): SOCK_RAW with an IP protocol number, for root only
// (CAP_NET_RAW). Every datagram this host receives for that protocol is also copied to
// each raw socket (bound and connected addresses filter), IP header included; ICMP
// sockets may filter by type (ICMP_FILTER). Sending wraps the payload in an IPv4
// header, or with IP_HDRINCL (always for IPPROTO_RAW) sends the caller's header with
// the length and checksum filled in. This is what ping uses.
#pragma once
#include <kernel/sync/giant.h>
#include <net/inet/datagram.h>

namespace net::inet {
class RawSocket final : public DatagramSocket {
public:
    static ErrorOr<lv::RefPtr<RawSocket>> create(int protocol);
    RawSocket(fs::FileSystem& fs, int protocol);
    ~RawSocket() override;

    ErrorOr<void> bind(const SockAddr&) LV_REQUIRES_GIANT override;
    ErrorOr<void> connect(const SockAddr&, bool nonblock) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> sendmsg(SendMsg&) LV_REQUIRES_GIANT override;
    void close() LV_REQUIRES_GIANT override;
    bool port_conflict(const InetSocket&) const LV_REQUIRES_GIANT override { return false; }

    lv::ListNode raw_node; // on the list of raw sockets while open
    u32 icmp_filter LV_GUARDED_BY_GIANT = 0;    // ICMP_FILTER: types (bit n for type n < 32) not delivered

protected:
    ErrorOr<void> proto_setsockopt(int name, UserPtr<const u8> val, u32 len) LV_REQUIRES_GIANT override;
    ErrorOr<void> proto_getsockopt(int name, UserPtr<u8> val, UserPtr<int> len) LV_REQUIRES_GIANT override;
};

// Calls f(RawSocket&) for every open raw socket (in a giant::Section).
void for_each_raw_socket_impl(void (*f)(RawSocket&, void*), void* ctx) LV_REQUIRES_GIANT;
template <typename F>
void for_each_raw_socket(F f) LV_REQUIRES_GIANT {
    for_each_raw_socket_impl([](RawSocket& s, void* c) LV_REQUIRES_GIANT { (*static_cast<F*>(c))(s); }, &f);
}

// From the IPv4 receive path, before the protocol's own handling: copies the datagram
// (whose IPv4 header starts at p.network_offset) to every raw socket of `protocol`
// that wants it. True if any took it.
bool raw_deliver(const Packet& p, u8 protocol) LV_REQUIRES_GIANT;
} // namespace net::inet
