// Wire formats: big-endian fields and the headers of Ethernet, ARP, IPv4, ICMP, UDP
// and TCP as they appear in packets. Fields are byte arrays (alignment 1), so a header
// may sit at any offset of a frame. Inside the stack, addresses and ports are kept in
// host byte order (u32 / u16); only these structs and the sockaddr copies are big-endian.
#pragma once
#include <lib/types.h>

namespace net::inet {
struct Be16 {
    u8 b[2];
    u16 get() const { return u16(u16(b[0]) << 8 | b[1]); }
    void set(u16 v) { b[0] = u8(v >> 8); b[1] = u8(v); }
};
struct Be32 {
    u8 b[4];
    u32 get() const { return u32(b[0]) << 24 | u32(b[1]) << 16 | u32(b[2]) << 8 | b[3]; }
    void set(u32 v) { b[0] = u8(v >> 24); b[1] = u8(v >> 16); b[2] = u8(v >> 8); b[3] = u8(v); }
};
constexpr u16 bswap16(u16 v) { return u16(v << 8 | v >> 8); }
constexpr u32 bswap32(u32 v) { return __builtin_bswap32(v); }
// Both arches run little-endian: sockaddr_in fields (network order) <-> host order.
constexpr u16 ntohs(u16 v) { return bswap16(v); }
constexpr u16 htons(u16 v) { return bswap16(v); }
constexpr u32 ntohl(u32 v) { return bswap32(v); }
constexpr u32 htonl(u32 v) { return bswap32(v); }

constexpr size_t kMacLen = 6;
struct MacAddr {
    u8 b[kMacLen];
    bool operator==(const MacAddr& o) const {
        for (size_t i = 0; i < kMacLen; i++)
            if (b[i] != o.b[i]) return false;
        return true;
    }
    bool is_broadcast() const { return *this == MacAddr {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}; }
    bool is_multicast() const { return b[0] & 1; }
};
constexpr MacAddr kBroadcastMac {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

constexpr u16 kEtherTypeIpv4 = 0x0800, kEtherTypeArp = 0x0806;
struct EthernetHeader {
    MacAddr dst, src;
    Be16 type;
};
static_assert(sizeof(EthernetHeader) == 14);

// ARP for IPv4 over Ethernet (RFC 826).
struct ArpPacket {
    Be16 htype, ptype; // 1 (Ethernet), 0x0800
    u8 hlen, plen;     // 6, 4
    Be16 op;           // 1 request, 2 reply
    MacAddr sha;
    Be32 spa;
    MacAddr tha;
    Be32 tpa;
};
static_assert(sizeof(ArpPacket) == 28);

constexpr u8 kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17;
struct Ipv4Header {
    u8 version_ihl; // version 4 << 4 | header length in 32-bit words
    u8 tos;
    Be16 total_length;
    Be16 id;
    Be16 frag; // flags (reserved, DF, MF) << 13 | fragment offset in 8-byte units
    u8 ttl;
    u8 protocol;
    Be16 checksum;
    Be32 src, dst;
    size_t header_length() const { return size_t(version_ihl & 0xf) * 4; }
};
static_assert(sizeof(Ipv4Header) == 20);
constexpr u16 kIpDontFragment = 0x4000, kIpMoreFragments = 0x2000, kIpOffsetMask = 0x1fff;

struct IcmpHeader {
    u8 type, code;
    Be16 checksum;
    Be32 rest; // echo: id << 16 | sequence; unreachable: unused (or next-hop MTU)
};
static_assert(sizeof(IcmpHeader) == 8);
constexpr u8 kIcmpEchoReply = 0, kIcmpDestUnreachable = 3, kIcmpEchoRequest = 8, kIcmpTimeExceeded = 11,
             kIcmpParameterProblem = 12;
constexpr u8 kIcmpNetUnreachable = 0, kIcmpHostUnreachable = 1, kIcmpProtoUnreachable = 2,
             kIcmpPortUnreachable = 3, kIcmpFragNeeded = 4;

struct UdpHeader {
    Be16 src_port, dst_port, length, checksum;
};
static_assert(sizeof(UdpHeader) == 8);

struct TcpHeader {
    Be16 src_port, dst_port;
    Be32 seq, ack;
    u8 data_offset; // header length in 32-bit words << 4
    u8 flags;
    Be16 window, checksum, urgent;
    size_t header_length() const { return size_t(data_offset >> 4) * 4; }
};
static_assert(sizeof(TcpHeader) == 20);
constexpr u8 kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPsh = 0x08, kTcpAck = 0x10, kTcpUrg = 0x20;

// Dotted-quad helpers for logs: IP_FMT / IP_ARGS(addr) with a host-order address.
#define IP_FMT "%u.%u.%u.%u"
#define IP_ARGS(a) unsigned((a) >> 24), unsigned(((a) >> 16) & 0xff), unsigned(((a) >> 8) & 0xff), unsigned((a) & 0xff)
} // namespace net::inet
