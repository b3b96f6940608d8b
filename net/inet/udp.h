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

    ErrorOr<void> bind(const SockAddr&) override;
    ErrorOr<void> connect(const SockAddr&, bool nonblock) override;
    ErrorOr<size_t> sendmsg(SendMsg&) override;
    void close() override;

    bool port_conflict(const InetSocket& other) const override;
    // An ICMP error about what this socket sent.
    void icmp_error(const IcmpError& e);

protected:
    ErrorOr<long> proto_ioctl(u32 request, u64 arg) override;

private:
    ErrorOr<void> autobind();
    bool m_addr_locked = false, m_port_locked = false; // bind() chose them (SOCK_BINDADDR_LOCK)
};
} // namespace net::inet
