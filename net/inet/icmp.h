// ICMP (RFC 792): echo replies (so that peers can ping this host), and error
// messages both ways — sending "port unreachable" for UDP datagrams nobody takes, and
// passing received errors to the socket they concern.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/result.h>
#include <net/inet/packet.h>

namespace net::inet {
// An ICMP error about `offending`, a received datagram whose IPv4 header is still in
// its buffer (Packet::network_offset). Suppressed where RFC 1122 3.2.2 forbids it:
// errors about errors, broadcasts, fragments or non-unicast sources.
void icmp_send_error(const Packet& offending, u8 type, u8 code) LV_REQUIRES_GIANT;

// What an ICMP error means for a socket (Linux's icmp_err_convert): the errno, and
// whether it ends a connection attempt (a "hard" error) or is only reported.
struct IcmpError {
    Errno error;
    bool fatal;
};
bool icmp_error_of(u8 type, u8 code, IcmpError& out);

// Where the transport layers receive the errors: the datagram they had sent (its
// addresses and ports, host order) that caused it.
struct IcmpQuote {
    u32 src, dst; // of the original datagram: local and remote address
    u16 sport, dport;
    u32 tcp_seq;  // TCP only: the quoted sequence number
};
void udp_icmp_error(const IcmpQuote& q, const IcmpError& e) LV_REQUIRES_GIANT;
void tcp_icmp_error(const IcmpQuote& q, const IcmpError& e) LV_REQUIRES_GIANT;
} // namespace net::inet
