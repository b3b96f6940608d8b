// UDP (RFC 768) sockets: SOCK_DGRAM over IPv4, on the datagram queue of
// net/inet/datagram.h; ports from the UDP port table (net/inet/ports.h).
#pragma once
#include <net/inet/datagram.h>

namespace net::inet {
constexpr size_t kUdpMaxPayload = 65535 - sizeof(Ipv4Header) - sizeof(UdpHeader); // 65507
struct IcmpError;

class UdpSocket final : public DatagramSocket {
public:
    static ErrorOr<lv::RefPtr<UdpSocket>> create();
    UdpSocket(fs::FileSystem& fs);
    ~UdpSocket() override;

    ErrorOr<void> bind(const SockAddr&) LV_REQUIRES_GIANT override;
    ErrorOr<void> connect(const SockAddr&, bool nonblock) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> sendmsg(SendMsg&) LV_REQUIRES_GIANT override;
    void close() LV_REQUIRES_GIANT override;

    bool port_conflict(const InetSocket& other) const LV_REQUIRES_GIANT override;
    // An ICMP error about what this socket sent.
    void icmp_error(const IcmpError& e) LV_REQUIRES_GIANT;

protected:
    ErrorOr<long> proto_ioctl(u32 request, u64 arg) LV_REQUIRES_GIANT override;

private:
    ErrorOr<void> autobind() LV_REQUIRES_GIANT;
    bool m_addr_locked LV_GUARDED_BY_GIANT = false, m_port_locked LV_GUARDED_BY_GIANT = false; // bind() chose them (SOCK_BINDADDR_LOCK)
};
} // namespace net::inet
