// A packet in flight: one allocation holding the bytes with room in front for headers,
// as Linux's sk_buff does (much simplified). Senders reserve kHeadroom, write the
// payload, then push() each header in front of it; receivers pull() headers off.
// A packet belongs to one queue (or one function) at a time: OwnPtr<Packet> says who.
#pragma once
#include <lib/list.h>
#include <lib/own_ptr.h>
#include <lib/types.h>

namespace net::inet {
class Interface;

// Ethernet 14 + IPv4 up to 60 + TCP up to 60, rounded up.
constexpr size_t kHeadroom = 160;

struct Packet {
    lv::ListNode node;   // rx queue, ARP pending queue
    Interface* iface = nullptr; // received on (rx path)
    // Filled by the IPv4 receive path for the transport layer (host byte order).
    u32 src_ip = 0, dst_ip = 0;
    u16 src_port = 0, dst_port = 0; // UDP/TCP
    u8 ip_ttl = 0;
    u32 aux = 0; // for the layer holding the packet (reassembly: the fragment's offset)
    size_t network_offset = 0; // the IPv4 header within buf (ICMP errors quote it)

    u8* data() { return m_buf + m_head; }
    const u8* data() const { return m_buf + m_head; }
    size_t length() const { return m_len; }
    size_t headroom() const { return m_head; }
    size_t tailroom() const { return m_cap - m_head - m_len; }
    u8* buffer() { return m_buf; }

    // Adds n bytes in front (a header); the caller checked headroom() >= n.
    u8* push(size_t n) { m_head -= n; m_len += n; return data(); }
    // Removes n bytes from the front (a parsed header); false if shorter.
    bool pull(size_t n) {
        if (n > m_len) return false;
        m_head += n;
        m_len -= n;
        return true;
    }
    // Appends n bytes at the end (payload); the caller checked tailroom() >= n.
    u8* put(size_t n) { u8* p = data() + m_len; m_len += n; return p; }
    // Drops bytes past n (Ethernet padding after the IP datagram).
    void trim(size_t n) { if (n < m_len) m_len = n; }

    // A packet with `headroom` bytes free in front and `size` bytes of tail room; null
    // when memory is short (the caller drops or returns ENOBUFS/ENOMEM).
    static lv::OwnPtr<Packet> make(size_t size, size_t headroom = kHeadroom);
    // A copy of received bytes (a driver's frame), with headroom for replies built in place.
    static lv::OwnPtr<Packet> copy_of(const void* bytes, size_t n, size_t headroom = 0);

private:
    Packet() = default;
    friend Packet* make_raw_packet(size_t, size_t);
    u8* m_buf = nullptr;
    size_t m_cap = 0, m_head = 0, m_len = 0;
};

using PacketQueue = lv::IntrusiveList<Packet, &Packet::node>;
// Frees every packet of a queue.
void drain(PacketQueue& q);
} // namespace net::inet
