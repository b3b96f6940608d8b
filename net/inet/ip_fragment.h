// IPv4 fragmentation (RFC 791 3.2, RFC 815): a datagram larger than the link's MTU
// leaves in fragments when its sender allows it (UDP and raw sockets under the
// default path-MTU mode; TCP never needs to), and fragments that arrive are held until
// their datagram is whole. Reassembly is bounded as Linux's is: 30 s per datagram
// (ICMP time exceeded after that if its first fragment came), 4 MiB in all, and a
// fragment overlapping another (but not repeating it) discards the datagram.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/own_ptr.h>
#include <net/inet/packet.h>

namespace net::inet {
class Interface;

// A received fragment (data() at its IPv4 header, checked and trimmed). Returns the
// whole datagram once the last missing piece came (data() at a rebuilt header with
// no fragment fields), else null (it is kept, or dropped).
lv::OwnPtr<Packet> ipv4_reassemble(lv::OwnPtr<Packet> fragment);

// Sends datagram `p` (data() at its IPv4 header, all fields but length, fragment
// fields and checksum filled in) as fragments that fit `iface`'s MTU.
void ipv4_send_fragments(lv::OwnPtr<Packet> p, Interface& iface, u32 next_hop) LV_REQUIRES_GIANT;
} // namespace net::inet
