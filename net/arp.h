// ARP (RFC 826) for IPv4 over Ethernet: a small cache per interface mapping next-hop
// addresses to MAC addresses. A datagram to an unresolved next hop waits in the entry
// (a few per entry) while requests go out once a second; after kMaxRequests
// unanswered ones the waiting datagrams fail with ICMP host unreachable toward their
// sender, which is how connect() learns EHOSTUNREACH (as Linux's arp_error_report).
// Resolved entries are trusted for kReachableTime; after that they are still used while
// requests check them again (Linux's STALE/PROBE), and dropped if nobody answers.
#pragma once
#include <kernel/sync/giant.h>
#include <net/inet/netd.h>
#include <net/inet/packet.h>
#include <net/inet/wire.h>

namespace net::inet {
class EthernetInterface;

class ArpCache {
public:
    explicit ArpCache(EthernetInterface& iface) : m_iface(iface) {}
    ArpCache(const ArpCache&) = delete;
    ArpCache& operator=(const ArpCache&) = delete;

    // Sends an IPv4 datagram to next_hop on this link, resolving it first if needed.
    void send_ipv4(lv::OwnPtr<Packet> p, u32 next_hop) LV_REQUIRES_GIANT;
    // An ARP packet received on the interface (data() at the ARP header).
    void receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT;
    // Forgets every entry (the interface's address changed); waiting datagrams are dropped.
    void flush() LV_REQUIRES_GIANT;
    // Looks an entry up; false unless resolved.
    bool lookup(u32 ip, MacAddr& mac) const LV_REQUIRES_GIANT;
    // Calls f(ip, mac) for each resolved entry (/proc/net/arp).
    template <typename F>
    void for_each(F f) const LV_REQUIRES_GIANT {
        for (const Entry& e : m_entries)
            if (e.state == Entry::State::Reachable || e.state == Entry::State::Probe) f(e.ip, e.mac);
    }

    static constexpr size_t kEntries = 32;
    static constexpr size_t kMaxPending = 3;    // datagrams queued per unresolved entry
    static constexpr unsigned kMaxRequests = 3; // Linux's mcast_solicit
    static constexpr u64 kRetransmitNs = 1000000000ull;
    static constexpr u64 kReachableTimeNs = 60000000000ull;

private:
    struct Entry {
        enum class State : u8 { Free, Incomplete, Reachable, Probe };
        State state = State::Free;
        u32 ip = 0;
        MacAddr mac {};
        u64 expires_ns = 0; // Reachable: trusted until then; then Probe
        u64 last_used_ns = 0;
        unsigned requests = 0;
        PacketQueue pending;
        size_t pending_count = 0;
        Timer timer; // Incomplete: next request or failure
        ArpCache* cache = nullptr;
    };
    Entry* find(u32 ip) LV_REQUIRES_GIANT;
    Entry* allocate(u32 ip) LV_REQUIRES_GIANT;
    void release(Entry& e) LV_REQUIRES_GIANT;
    void send_request(Entry& e) LV_REQUIRES_GIANT;
    void send_reply(const MacAddr& to_mac, u32 to_ip) LV_REQUIRES_GIANT;
    void resolved(Entry& e, const MacAddr& mac) LV_REQUIRES_GIANT;
    void fail(Entry& e) LV_REQUIRES_GIANT;
    static void on_timer(Timer& t) LV_REQUIRES_GIANT; // the net thread runs timers under the giant lock

    EthernetInterface& m_iface;
    Entry m_entries[kEntries] LV_GUARDED_BY_GIANT;
};
} // namespace net::inet
