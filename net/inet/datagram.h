// What UDP and raw sockets share: a queue of received datagrams (Packets whose data is
// what recvmsg returns, with the sender in src_ip/src_port) bounded by SO_RCVBUF, the
// connected peer, shutdown, and the receive side of the socket calls. Sending builds a
// datagram and hands it to IPv4 at once: there is no send queue, so these sockets are
// always writable.
#pragma once
#include <kernel/sync/mutex.h>
#include <net/inet/inet_socket.h>
#include <net/inet/packet.h>

namespace net::inet {
class DatagramSocket : public InetSocket {
public:
    ~DatagramSocket() override;
    ErrorOr<size_t> recvmsg(RecvMsg&) LV_REQUIRES_GIANT override;
    ErrorOr<void> shutdown(int how) LV_REQUIRES_GIANT override;
    u32 poll_mask(u32 requested) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> unread_bytes() LV_REQUIRES_GIANT override;
    bool has_peer() const LV_REQUIRES_GIANT override { return m_connected; }

    // A datagram for this socket; dropped (counted nowhere) when SO_RCVBUF is full.
    void deliver(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT;

protected:
    DatagramSocket(fs::FileSystem& fs, int type, int protocol) : InetSocket(fs, type, protocol) {}
    // close(): no more reading; the queue is freed.
    void release_queue() LV_REQUIRES_GIANT;
    // DF and local fragmentation from IP_MTU_DISCOVER, as Linux's __ip_make_skb: DONT
    // never sets DF; WANT (the default) sets it on datagrams that fit and fragments the
    // others; DO and PROBE refuse those with EMSGSIZE.
    void set_fragmentation(struct Ipv4Send& s) const LV_REQUIRES_GIANT;
    // Datagrams to INADDR_ANY go to this host (ip_route_output_key_hash_rcu).
    static u32 destination(u32 addr) { return addr ? addr : kInaddrLoopback; }

    bool m_connected LV_GUARDED_BY_GIANT = false;
    u32 m_shutdown LV_GUARDED_BY_GIANT = 0; // kRcvShutdown | kSendShutdown

private:
    PacketQueue m_queue LV_GUARDED_BY_GIANT;
    size_t m_queued_bytes LV_GUARDED_BY_GIANT = 0; // counted against SO_RCVBUF, with per-packet overhead
    kernel::Mutex m_rx_lock {"datagram rx"}; // one reader copies out at a time (MSG_PEEK keeps the packet)
};
} // namespace net::inet
