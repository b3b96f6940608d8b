#include <kernel/time.h>
#include <lib/string.h>
#include <net/inet/checksum.h>
#include <net/inet/icmp.h>
#include <net/inet/interface.h>
#include <net/inet/ip_fragment.h>
#include <net/inet/netd.h>
#include <net/inet/wire.h>

namespace net::inet {
namespace {
constexpr u64 kReassemblyTimeNs = 30ull * 1000000000; // net.ipv4.ipfrag_time
constexpr size_t kMaxQueuedBytes = 4u << 20;          // net.ipv4.ipfrag_high_thresh
constexpr size_t kMaxDatagram = 65535;

// One datagram being put together: its fragments (payload only, data() past the
// header), sorted by offset; Packet::aux holds each one's offset.
struct FragQueue {
    lv::ListNode node;
    u32 src, dst;
    u16 id;
    u8 protocol;
    PacketQueue frags;
    size_t received = 0; // payload bytes held (fragments do not overlap)
    size_t total = 0;    // payload length, once the last fragment said (0: unknown)
    Packet* first = nullptr; // the fragment at offset 0 (its header is the datagram's)
    Timer timer;
};

lv::IntrusiveList<FragQueue, &FragQueue::node> g_queues;
size_t g_queued_bytes = 0;

void free_queue(FragQueue& q) {
    timer_cancel(q.timer);
    g_queues.remove(q);
    while (Packet* p = q.frags.pop_front()) {
        g_queued_bytes -= p->length();
        lv::destroy(p);
    }
    lv::destroy(&q);
}

void on_timeout(Timer& t) LV_REQUIRES_GIANT {
    auto off = reinterpret_cast<uptr>(&reinterpret_cast<FragQueue*>(0)->timer);
    auto* q = reinterpret_cast<FragQueue*>(reinterpret_cast<uptr>(&t) - off);
    // RFC 792: time exceeded, code 1, only if the first fragment is here to quote.
    if (q->first) icmp_send_error(*q->first, kIcmpTimeExceeded, 1);
    free_queue(*q);
}

FragQueue* find_or_make(u32 src, u32 dst, u16 id, u8 protocol) {
    for (FragQueue& q : g_queues)
        if (q.src == src && q.dst == dst && q.id == id && q.protocol == protocol) return &q;
    auto* q = lv::make<FragQueue>();
    if (!q) return nullptr;
    q->src = src;
    q->dst = dst;
    q->id = id;
    q->protocol = protocol;
    q->timer.fire = on_timeout;
    g_queues.push_back(*q);
    timer_arm_in(q->timer, kReassemblyTimeNs);
    return q;
}

lv::OwnPtr<Packet> assemble(FragQueue& q) {
    auto* ip = reinterpret_cast<Ipv4Header*>(q.first->buffer() + q.first->network_offset);
    size_t hlen = ip->header_length();
    lv::OwnPtr<Packet> whole = Packet::make(hlen + q.total, 0);
    if (!whole) return {};
    u8* out = whole->put(hlen + q.total);
    memcpy(out, ip, hlen);
    for (Packet& f : q.frags) memcpy(out + hlen + f.aux, f.data(), f.length());
    auto* h = reinterpret_cast<Ipv4Header*>(out);
    h->total_length.set(u16(hlen + q.total));
    h->frag.set(0);
    h->checksum.set(0);
    h->checksum.set(checksum(h, hlen));
    whole->iface = q.first->iface;
    return whole;
}
} // namespace

lv::OwnPtr<Packet> ipv4_reassemble(lv::OwnPtr<Packet> p) {
    auto* ip = reinterpret_cast<const Ipv4Header*>(p->data());
    size_t hlen = ip->header_length();
    u16 frag = ip->frag.get();
    size_t offset = size_t(frag & kIpOffsetMask) * 8, len = p->length() - hlen;
    bool more = frag & kIpMoreFragments;
    // Every fragment but the last carries a multiple of 8 bytes; none goes past 64 KiB.
    if ((more && (len % 8 || len == 0)) || offset + len + hlen > kMaxDatagram) return {};
    if (g_queued_bytes + len > kMaxQueuedBytes) return {};
    FragQueue* q = find_or_make(ip->src.get(), ip->dst.get(), ip->id.get(), ip->protocol);
    if (!q) return {};
    if (!more) {
        if ((q->total && q->total != offset + len) || offset + len < q->received) {
            free_queue(*q); // two different ends: corrupt
            return {};
        }
        q->total = offset + len;
    }
    // Where it goes; an overlap that is not an exact repeat discards the datagram.
    Packet* after = nullptr;
    for (Packet& f : q->frags) {
        size_t f_end = f.aux + f.length();
        if (f.aux == offset && f.length() == len) return {}; // a repeat
        if (offset < f_end && f.aux < offset + len) {
            free_queue(*q);
            return {};
        }
        if (f.aux > offset) {
            after = &f;
            break;
        }
    }
    if (q->total && offset + len > q->total) {
        free_queue(*q);
        return {};
    }
    p->network_offset = size_t(p->data() - p->buffer());
    p->src_ip = ip->src.get();
    p->dst_ip = ip->dst.get();
    p->pull(hlen);
    p->aux = u32(offset);
    Packet* raw = p.leak();
    if (after) q->frags.insert_before(*after, *raw);
    else q->frags.push_back(*raw);
    q->received += len;
    g_queued_bytes += len;
    if (offset == 0) q->first = raw;
    if (!q->total || q->received != q->total || !q->first) return {};
    lv::OwnPtr<Packet> whole = assemble(*q);
    free_queue(*q);
    return whole;
}

void ipv4_send_fragments(lv::OwnPtr<Packet> p, Interface& iface, u32 next_hop) LV_REQUIRES_GIANT {
    auto* ip = reinterpret_cast<const Ipv4Header*>(p->data());
    size_t hlen = ip->header_length();
    size_t payload = p->length() - hlen;
    size_t chunk = (iface.mtu - hlen) & ~size_t(7);
    for (size_t off = 0; off < payload; off += chunk) {
        size_t len = min(chunk, payload - off);
        lv::OwnPtr<Packet> f = Packet::make(hlen + len);
        if (!f) {
            iface.stats.tx_dropped++;
            return; // the rest is useless without this piece
        }
        u8* out = f->put(hlen + len);
        memcpy(out, ip, hlen);
        memcpy(out + hlen, p->data() + hlen + off, len);
        auto* h = reinterpret_cast<Ipv4Header*>(out);
        h->total_length.set(u16(hlen + len));
        h->frag.set(u16(off / 8) | (off + len < payload ? kIpMoreFragments : 0));
        h->checksum.set(0);
        h->checksum.set(checksum(h, hlen));
        iface.send_ipv4(lv::move(f), next_hop);
    }
}
} // namespace net::inet
