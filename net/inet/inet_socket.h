// What AF_INET sockets share (Linux's struct inet_sock): the local and remote address
// and port, the IP-level options, the port table membership, getsockname/getpeername,
// and the interface ioctls (SIOCGIF*). UDP and TCP derive from it.
#pragma once
#include <net/inet/route.h>
#include <net/socket.h>

namespace net::inet {
constexpr int kIpprotoIp = 0, kIpprotoIcmp = 1, kIpprotoTcp = 6, kIpprotoUdp = 17;
constexpr u32 kRcvShutdown = 1, kSendShutdown = 2; // sk_shutdown bits

// struct sockaddr_in (network byte order inside).
struct SockaddrIn {
    u16 family;
    u16 port; // big-endian
    u32 addr; // big-endian
    u8 zero[8];
};
static_assert(sizeof(SockaddrIn) == 16);

// A socket address as the stack uses it: host byte order.
struct Endpoint {
    u32 addr = 0;
    u16 port = 0;
};
// Checks a user sockaddr the way inet_bind/inet_stream_connect/udp_sendmsg do: EINVAL
// when shorter than sockaddr_in, EAFNOSUPPORT for another family. AF_UNSPEC is
// accepted where Linux accepts it (allow_unspec; bind only with INADDR_ANY).
ErrorOr<Endpoint> parse_sockaddr(const SockAddr& a, bool allow_unspec);
void make_sockaddr(SockAddr& out, Endpoint e);

class InetSocket : public Socket {
public:
    ~InetSocket() override;
    // Addresses in host order; 0 = INADDR_ANY / no port.
    u32 local_addr LV_GUARDED_BY_GIANT = 0, remote_addr LV_GUARDED_BY_GIANT = 0;
    u16 local_port LV_GUARDED_BY_GIANT = 0, remote_port LV_GUARDED_BY_GIANT = 0;
    u8 ttl LV_GUARDED_BY_GIANT = 0; // IP_TTL; 0 means the default
    u8 tos LV_GUARDED_BY_GIANT = 0; // IP_TOS
    bool recverr LV_GUARDED_BY_GIANT = false; // IP_RECVERR: report soft ICMP errors too
    u8 pmtudisc LV_GUARDED_BY_GIANT = 1;      // IP_MTU_DISCOVER (IP_PMTUDISC_WANT)
    bool hdrincl LV_GUARDED_BY_GIANT = false; // IP_HDRINCL (raw sockets): the caller writes the IPv4 header
    lv::ListNode bind_node; // in the protocol's port table while local_port != 0

    ErrorOr<void> getname(SockAddr& out, bool peer) LV_REQUIRES_GIANT override;
    ErrorOr<long> family_ioctl(u32 request, u64 arg) LV_REQUIRES_GIANT override;
    ErrorOr<void> setsockopt_level(int level, int name, UserPtr<const u8> val, u32 len) LV_REQUIRES_GIANT override;
    ErrorOr<void> getsockopt_level(int level, int name, UserPtr<u8> val, UserPtr<int> len) LV_REQUIRES_GIANT override;

    // Whether `other` may not share this socket's port (their addresses overlap).
    virtual bool port_conflict(const InetSocket& other) const LV_REQUIRES_GIANT = 0;
    // True while the peer is connected (getpeername).
    virtual bool has_peer() const LV_REQUIRES_GIANT = 0;
    u8 ip_ttl() const LV_REQUIRES_GIANT { return ttl ? ttl : 64; }

protected:
    InetSocket(fs::FileSystem& fs, int type, int protocol);
    // The option level the protocol answers for: its number, or SOL_RAW for raw sockets.
    int proto_level() const { return type == kSockRaw ? 255 : protocol; }
    // The protocol's own level (IPPROTO_TCP, IPPROTO_UDP): ENOPROTOOPT by default.
    virtual ErrorOr<void> proto_setsockopt(int name, UserPtr<const u8> val, u32 len) LV_REQUIRES_GIANT { return Errno::ENOPROTOOPT; }
    virtual ErrorOr<void> proto_getsockopt(int name, UserPtr<u8> val, UserPtr<int> len) LV_REQUIRES_GIANT { return Errno::ENOPROTOOPT; }
    virtual ErrorOr<long> proto_ioctl(u32 request, u64 arg) LV_REQUIRES_GIANT { return Errno::ENOTTY; }
};

// Reads an int option value: EINVAL if optlen is shorter than an int, except that
// `allow_byte` options also take a single byte (Linux's do_ip_setsockopt for IP_TOS,
// IP_TTL and the like).
ErrorOr<int> read_int_option(UserPtr<const u8> val, u32 len, bool allow_byte = false);
ErrorOr<void> write_int_option(UserPtr<u8> val, UserPtr<int> len, int v);

// socket(AF_INET, type, protocol): the family table's entry (net/family.cpp).
ErrorOr<lv::RefPtr<Socket>> create_inet_socket(int type, int protocol);
} // namespace net::inet
