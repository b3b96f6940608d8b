#include <kernel/time.h>
#include <lib/string.h>
#include <net/arp.h>
#include <net/ethernet.h>
#include <net/inet/icmp.h>

namespace net::inet {
namespace {
u64 now() { return kernel::time::monotonic_ns(); }

constexpr u16 kArpRequest = 1, kArpReply = 2;

// A datagram we could not deliver: tell its sender (this host) with ICMP host
// unreachable, as Linux does for a failed neighbour (arp_error_report).
void report_unreachable(Packet& p) LV_REQUIRES_GIANT {
    if (p.length() < sizeof(Ipv4Header)) return;
    auto* ip = reinterpret_cast<const Ipv4Header*>(p.data());
    p.src_ip = ip->src.get();
    p.dst_ip = ip->dst.get();
    p.network_offset = size_t(p.data() - p.buffer());
    size_t hlen = ip->header_length();
    if (hlen > p.length()) return;
    // icmp_send_error quotes from network_offset up to the end of the data.
    icmp_send_error(p, kIcmpDestUnreachable, kIcmpHostUnreachable);
}
} // namespace

ArpCache::Entry* ArpCache::find(u32 ip) {
    for (Entry& e : m_entries)
        if (e.state != Entry::State::Free && e.ip == ip) return &e;
    return nullptr;
}

ArpCache::Entry* ArpCache::allocate(u32 ip) {
    Entry* victim = nullptr;
    for (Entry& e : m_entries) {
        if (e.state == Entry::State::Free) {
            victim = &e;
            break;
        }
        // Otherwise the least recently used resolved entry; unresolved ones stay.
        bool resolved = e.state == Entry::State::Reachable || e.state == Entry::State::Probe;
        if (resolved && (!victim || e.last_used_ns < victim->last_used_ns)) victim = &e;
    }
    if (!victim) return nullptr;
    release(*victim);
    victim->state = Entry::State::Incomplete;
    victim->ip = ip;
    victim->requests = 0;
    victim->cache = this;
    victim->timer.fire = on_timer;
    victim->last_used_ns = now();
    return victim;
}

void ArpCache::release(Entry& e) {
    timer_cancel(e.timer);
    drain(e.pending);
    e.pending_count = 0;
    e.state = Entry::State::Free;
}

void ArpCache::flush() {
    for (Entry& e : m_entries) release(e);
}

bool ArpCache::lookup(u32 ip, MacAddr& mac) const {
    for (const Entry& e : m_entries)
        if ((e.state == Entry::State::Reachable || e.state == Entry::State::Probe) && e.ip == ip) {
            mac = e.mac;
            return true;
        }
    return false;
}

void ArpCache::send_request(Entry& e) {
    lv::OwnPtr<Packet> p = Packet::make(sizeof(ArpPacket));
    if (p) {
        auto* a = reinterpret_cast<ArpPacket*>(p->put(sizeof(ArpPacket)));
        a->htype.set(1);
        a->ptype.set(kEtherTypeIpv4);
        a->hlen = kMacLen;
        a->plen = 4;
        a->op.set(kArpRequest);
        a->sha = m_iface.mac;
        a->spa.set(m_iface.addr);
        a->tha = MacAddr {};
        a->tpa.set(e.ip);
        m_iface.send_frame(lv::move(p), kBroadcastMac, kEtherTypeArp);
    }
    e.requests++;
    timer_arm_in(e.timer, kRetransmitNs);
}

void ArpCache::send_reply(const MacAddr& to_mac, u32 to_ip) {
    lv::OwnPtr<Packet> p = Packet::make(sizeof(ArpPacket));
    if (!p) return;
    auto* a = reinterpret_cast<ArpPacket*>(p->put(sizeof(ArpPacket)));
    a->htype.set(1);
    a->ptype.set(kEtherTypeIpv4);
    a->hlen = kMacLen;
    a->plen = 4;
    a->op.set(kArpReply);
    a->sha = m_iface.mac;
    a->spa.set(m_iface.addr);
    a->tha = to_mac;
    a->tpa.set(to_ip);
    m_iface.send_frame(lv::move(p), to_mac, kEtherTypeArp);
}

void ArpCache::resolved(Entry& e, const MacAddr& mac) {
    timer_cancel(e.timer);
    e.state = Entry::State::Reachable;
    e.mac = mac;
    e.expires_ns = now() + kReachableTimeNs;
    while (Packet* p = e.pending.pop_front()) {
        e.pending_count--;
        m_iface.send_frame(lv::OwnPtr<Packet>(p), mac, kEtherTypeIpv4);
    }
}

void ArpCache::fail(Entry& e) {
    PacketQueue failed;
    while (Packet* p = e.pending.pop_front()) failed.push_back(*p);
    e.pending_count = 0;
    release(e);
    while (Packet* p = failed.pop_front()) {
        lv::OwnPtr<Packet> own(p);
        report_unreachable(*p);
    }
}

void ArpCache::on_timer(Timer& t) {
    // The Timer is a member of its Entry: find the entry from it.
    auto off = reinterpret_cast<uptr>(&reinterpret_cast<Entry*>(0)->timer);
    auto* e = reinterpret_cast<Entry*>(reinterpret_cast<uptr>(&t) - off);
    if (e->state == Entry::State::Probe) {
        // Nobody vouches for the old address any more: forget it (the next datagram
        // resolves it from scratch).
        if (e->requests >= kMaxRequests) e->cache->release(*e);
        else e->cache->send_request(*e);
        return;
    }
    if (e->state != Entry::State::Incomplete) return;
    if (e->requests >= kMaxRequests) e->cache->fail(*e);
    else e->cache->send_request(*e);
}

void ArpCache::send_ipv4(lv::OwnPtr<Packet> p, u32 next_hop) {
    Entry* e = find(next_hop);
    u64 t = now();
    if (e && (e->state == Entry::State::Reachable || e->state == Entry::State::Probe)) {
        if (e->state == Entry::State::Reachable && t >= e->expires_ns) {
            // Stale: keep using it while a request checks it (neigh's STALE -> PROBE).
            e->state = Entry::State::Probe;
            e->requests = 0;
            send_request(*e);
        }
        e->last_used_ns = t;
        m_iface.send_frame(lv::move(p), e->mac, kEtherTypeIpv4);
        return;
    }
    if (!e) {
        e = allocate(next_hop);
        if (!e) { // every entry is waiting for an answer
            m_iface.stats.tx_dropped++;
            return;
        }
    }
    if (e->pending_count == kMaxPending) { // drop the oldest, as Linux's unres_qlen does
        lv::destroy(e->pending.pop_front());
        e->pending_count--;
        m_iface.stats.tx_dropped++;
    }
    e->pending.push_back(*p.leak());
    e->pending_count++;
    if (!e->timer.armed()) send_request(*e);
}

void ArpCache::receive(lv::OwnPtr<Packet> p) {
    if (p->length() < sizeof(ArpPacket)) return;
    auto* a = reinterpret_cast<const ArpPacket*>(p->data());
    if (a->htype.get() != 1 || a->ptype.get() != kEtherTypeIpv4 || a->hlen != kMacLen || a->plen != 4) return;
    u32 spa = a->spa.get(), tpa = a->tpa.get();
    MacAddr sha = a->sha;
    if (sha.is_multicast() || spa == 0 || !m_iface.addr) return;
    bool for_us = tpa == m_iface.addr;
    // RFC 826: update an entry we have for the sender; create one if it asks for us.
    Entry* e = find(spa);
    if (e) resolved(*e, sha);
    else if (for_us && (e = allocate(spa))) resolved(*e, sha);
    if (for_us && a->op.get() == kArpRequest) send_reply(sha, spa);
}
} // namespace net::inet
