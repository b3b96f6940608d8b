// UDP (RFC 768) sockets: SOCK_DGRAM over IPv4. Each received datagram waits in the
// socket's queue as a Packet (its payload, and the sender in src_ip/src_port) until
// recvmsg takes it; the queue is bounded by SO_RCVBUF. Sending builds the datagram and
// hands it to IPv4 at once: there is no send queue, so a UDP socket is always writable.
#pragma once
#include <fs/mutex.h>
#include <net/inet/inet_socket.h>
#include <net/inet/packet.h>

namespace net::inet {
constexpr size_t kUdpMaxPayload = 65535 - sizeof(Ipv4Header) - sizeof(UdpHeader); // 65507
constexpr u32 kRcvShutdown = 1, kSendShutdown = 2; // sk_shutdown bits
struct IcmpError;

class UdpSocket final : public InetSocket {
public:
    static ErrorOr<lv::RefPtr<UdpSocket>> create();
    UdpSocket(fs::FileSystem& fs);
    ~UdpSocket() override;

    ErrorOr<void> bind(const SockAddr&) override;
    ErrorOr<void> connect(const SockAddr&, bool nonblock) override;
    ErrorOr<void> shutdown(int how) override;
    ErrorOr<size_t> sendmsg(SendMsg&) override;
    ErrorOr<size_t> recvmsg(RecvMsg&) override;
    u32 poll_mask(u32 requested) override;
    ErrorOr<size_t> unread_bytes() override;
    void close() override;

    bool port_conflict(const InetSocket& other) const override;
    bool has_peer() const override { return m_connected; }

    // From the receive path: a datagram for this socket (data() at the payload;
    // src_ip/src_port say who sent it).
    void deliver(lv::OwnPtr<Packet> p);
    // An ICMP error about what this socket sent.
    void icmp_error(const IcmpError& e);

protected:
    ErrorOr<long> proto_ioctl(u32 request, u64 arg) override;

private:
    ErrorOr<void> autobind();
    PacketQueue m_queue;
    size_t m_queued_bytes = 0; // counted against SO_RCVBUF, with per-packet overhead
    bool m_connected = false;
    bool m_addr_locked = false, m_port_locked = false; // bind() chose them (SOCK_BINDADDR_LOCK)
    u32 m_shutdown = 0; // kRcvShutdown | kSendShutdown
    fs::Mutex m_rx_lock; // one reader copies out at a time (MSG_PEEK keeps the packet)
};
} // namespace net::inet
