#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <lib/string.h>
#include <net/inet/checksum.h>
#include <net/inet/icmp.h>
#include <net/inet/ipv4.h>
#include <net/inet/netd.h>
#include <net/inet/ports.h>
#include <net/inet/udp.h>

namespace net::inet {
namespace {
constexpr u32 kSiocOutq = 0x5411;

bool capable() { return kernel::capable(kernel::current_process()); }


// A score for how well s matches a datagram; -1: not at all (compute_score).
int match(const UdpSocket& s, u32 src, u16 sport, u32 dst, u16 dport) LV_REQUIRES_GIANT {
    if (s.local_port != dport) return -1;
    int score = 0;
    if (s.local_addr) {
        if (s.local_addr != dst) return -1;
        score += 4;
    }
    if (s.has_peer()) {
        if (s.remote_addr != src || s.remote_port != sport) return -1;
        score += 8;
    }
    return score;
}
} // namespace

ErrorOr<lv::RefPtr<UdpSocket>> UdpSocket::create() { return make_socket<UdpSocket>(); }

UdpSocket::UdpSocket(fs::FileSystem& fs) : DatagramSocket(fs, kSockDgram, kIpprotoUdp) {}

UdpSocket::~UdpSocket() {
    kernel::giant::Section g;
    unbind_port(udp_ports(), *this);
}

void UdpSocket::close() {
    {
        kernel::giant::Section g;
        unbind_port(udp_ports(), *this);
    }
    release_queue();
}

bool UdpSocket::port_conflict(const InetSocket& other) const {
    // udp_lib_lport_inuse: shared only when both asked for SO_REUSEADDR.
    return !(opts.reuseaddr && other.opts.reuseaddr);
}

ErrorOr<void> UdpSocket::autobind() {
    if (local_port) return {};
    return bind_port(udp_ports(), *this, local_addr, 0);
}

ErrorOr<void> UdpSocket::bind(const SockAddr& a) {
    Endpoint e = TRY(parse_sockaddr(a, true));
    if (a.family() == kAfUnspec && e.addr != kInaddrAny) return Errno::EAFNOSUPPORT;
    kernel::giant::Section g;
    if (e.addr && !interface_with_address(e.addr) && !is_broadcast(e.addr) && !is_multicast(e.addr))
        return Errno::EADDRNOTAVAIL;
    if (e.port && e.port < kPrivilegedPorts && !capable()) return Errno::EACCES;
    if (local_port || m_connected) return Errno::EINVAL;
    TRY(bind_port(udp_ports(), *this, e.addr, e.port));
    m_addr_locked = e.addr != 0;
    m_port_locked = true;
    return {};
}

ErrorOr<void> UdpSocket::connect(const SockAddr& a, bool) {
    if (a.len >= 2 && a.family() == kAfUnspec) {
        // udp_disconnect: forget the peer, and what connect() chose by itself.
        kernel::giant::Section g;
        m_connected = false;
        remote_addr = 0;
        remote_port = 0;
        if (!m_addr_locked) local_addr = 0;
        if (!m_port_locked) {
            unbind_port(udp_ports(), *this);
            local_port = 0;
        }
        return {};
    }
    Endpoint e = TRY(parse_sockaddr(a, false));
    kernel::giant::Section g;
    u32 dst = destination(e.addr);
    if (is_broadcast(dst) && !opts.broadcast) return Errno::EACCES;
    RouteResult r = TRY(route_output(dst));
    if (!local_addr) local_addr = r.src;
    if (!local_port) {
        auto b = autobind();
        if (b.is_error()) {
            if (!m_addr_locked) local_addr = 0;
            return b.error();
        }
    }
    remote_addr = dst;
    remote_port = e.port;
    m_connected = true;
    return {};
}

ErrorOr<size_t> UdpSocket::sendmsg(SendMsg& m) {
    BacklogFlush flush;
    if (m.flags & kMsgOob) return Errno::EOPNOTSUPP;
    size_t len = m.data.size();
    Endpoint to;
    if (m.name) {
        to = TRY(parse_sockaddr(*m.name, true));
        if (to.port == 0) return Errno::EINVAL;
    }
    if (len > kUdpMaxPayload) return Errno::EMSGSIZE;
    lv::OwnPtr<Packet> p = Packet::make(sizeof(UdpHeader) + len);
    if (!p) return Errno::ENOBUFS;
    auto* h = reinterpret_cast<UdpHeader*>(p->put(sizeof(UdpHeader)));
    TRY(m.data.copy_in(0, p->put(len), len));

    kernel::giant::Section g;
    if (m_shutdown & kSendShutdown) return Errno::EPIPE;
    if (has_error()) return take_error();
    if (!m.name) {
        if (!m_connected) return Errno::EDESTADDRREQ;
        to = {remote_addr, remote_port};
    }
    u32 dst = destination(to.addr);
    if (is_broadcast(dst) && !opts.broadcast) return Errno::EACCES;
    TRY(autobind());
    RouteResult r = TRY(route_output(dst));
    u32 src = local_addr ? local_addr : r.src;
    h->src_port.set(local_port);
    h->dst_port.set(to.port);
    h->length.set(u16(sizeof(UdpHeader) + len));
    h->checksum.set(0);
    u32 sum = pseudo_header_sum(src, dst, kProtoUdp, u16(sizeof(UdpHeader) + len));
    u16 c = checksum_finish(checksum_add(sum, p->data(), p->length()));
    h->checksum.set(c ? c : 0xffff); // 0 means "no checksum" in UDP
    Ipv4Send s;
    s.src = src;
    s.dst = dst;
    s.protocol = kProtoUdp;
    s.ttl = ip_ttl();
    s.tos = tos;
    set_fragmentation(s);
    TRY(ipv4_send(lv::move(p), s, r));
    return len;
}

ErrorOr<long> UdpSocket::proto_ioctl(u32 request, u64 arg) {
    if (request == kSiocOutq) { // nothing ever waits to be sent
        TRY(UserPtr<int>(arg).write(0));
        return 0;
    }
    return Errno::ENOTTY;
}

void UdpSocket::icmp_error(const IcmpError& e) {
    // __udp4_lib_err: without IP_RECVERR only hard errors, and only on connected sockets.
    if (!recverr && (!e.fatal || !m_connected)) return;
    set_error(e.error);
    m_wait.wake_all(fs::kPollErr);
}

// ---- the receive path
void udp_receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT {
    if (p->length() < sizeof(UdpHeader)) return;
    auto* h = reinterpret_cast<const UdpHeader*>(p->data());
    size_t ulen = h->length.get();
    if (ulen < sizeof(UdpHeader) || ulen > p->length()) return;
    p->trim(ulen);
    if (h->checksum.get() != 0) {
        u32 sum = pseudo_header_sum(p->src_ip, p->dst_ip, kProtoUdp, u16(ulen));
        if (checksum_finish(checksum_add(sum, p->data(), ulen)) != 0) return;
    }
    p->src_port = h->src_port.get();
    p->dst_port = h->dst_port.get();
    p->pull(sizeof(UdpHeader));
    u32 src = p->src_ip, dst = p->dst_ip;
    if (is_broadcast(dst)) {
        // Every socket on the port gets a copy (__udp4_lib_mcast_deliver).
        for (InetSocket& s : udp_ports().bound) {
            auto& u = static_cast<UdpSocket&>(s);
            if (u.local_port != p->dst_port || (u.local_addr && !is_broadcast(u.local_addr))) continue;
            if (u.has_peer() && (u.remote_addr != src || u.remote_port != p->src_port)) continue;
            lv::OwnPtr<Packet> copy = Packet::copy_of(p->data(), p->length());
            if (!copy) break;
            copy->src_ip = src;
            copy->src_port = p->src_port;
            u.deliver(lv::move(copy));
        }
        return;
    }
    UdpSocket* best = nullptr;
    int best_score = -1;
    for (InetSocket& s : udp_ports().bound) {
        auto& u = static_cast<UdpSocket&>(s);
        int score = match(u, src, p->src_port, dst, p->dst_port);
        if (score > best_score) {
            best = &u;
            best_score = score;
        }
    }
    if (!best) {
        icmp_send_error(*p, kIcmpDestUnreachable, kIcmpPortUnreachable);
        return;
    }
    best->deliver(lv::move(p));
}

void udp_icmp_error(const IcmpQuote& q, const IcmpError& e) LV_REQUIRES_GIANT {
    UdpSocket* best = nullptr;
    int best_score = -1;
    // The datagram went from (q.src, q.sport) to (q.dst, q.dport): find its sender.
    for (InetSocket& s : udp_ports().bound) {
        auto& u = static_cast<UdpSocket&>(s);
        int score = match(u, q.dst, q.dport, q.src, q.sport);
        if (score > best_score) {
            best = &u;
            best_score = score;
        }
    }
    if (best) best->icmp_error(e);
}
} // namespace net::inet
