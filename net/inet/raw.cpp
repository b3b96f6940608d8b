#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <lib/string.h>
#include <net/inet/checksum.h>
#include <net/inet/ipv4.h>
#include <net/inet/netd.h>
#include <net/inet/raw.h>

namespace net::inet {
namespace {
constexpr int kSolRaw = 255, kIcmpFilter = 1; // include/uapi/linux/icmp.h
constexpr size_t kMaxDatagram = 65535;

lv::IntrusiveList<RawSocket, &RawSocket::raw_node>& raw_sockets() {
    static lv::IntrusiveList<RawSocket, &RawSocket::raw_node> list;
    return list;
}
} // namespace

ErrorOr<lv::RefPtr<RawSocket>> RawSocket::create(int protocol) {
    // inet_create: SOCK_RAW needs CAP_NET_RAW (root here) and a protocol number.
    if (protocol <= 0 || protocol > 255) return Errno::EPROTONOSUPPORT;
    if (!kernel::capable(kernel::current_process())) return Errno::EPERM;
    return make_socket<RawSocket>(protocol);
}

RawSocket::RawSocket(fs::FileSystem& fs, int protocol) : DatagramSocket(fs, kSockRaw, protocol) {
    // The local "port" of a raw socket is its protocol (getsockname shows sin_port 0).
    hdrincl = protocol == 255; // IPPROTO_RAW
    kernel::giant::Section g;
    raw_sockets().push_back(*this);
}

RawSocket::~RawSocket() {
    kernel::giant::Section g;
    if (raw_node.linked()) raw_sockets().remove(*this);
}

void RawSocket::close() {
    {
        kernel::giant::Section g;
        if (raw_node.linked()) raw_sockets().remove(*this);
    }
    release_queue();
}

ErrorOr<void> RawSocket::bind(const SockAddr& a) {
    Endpoint e = TRY(parse_sockaddr(a, true));
    kernel::giant::Section g;
    if (e.addr && !interface_with_address(e.addr) && !is_broadcast(e.addr) && !is_multicast(e.addr))
        return Errno::EADDRNOTAVAIL;
    local_addr = e.addr;
    return {};
}

ErrorOr<void> RawSocket::connect(const SockAddr& a, bool) {
    kernel::giant::Section g;
    if (a.len >= 2 && a.family() == kAfUnspec) {
        m_connected = false;
        remote_addr = 0;
        return {};
    }
    Endpoint e = TRY(parse_sockaddr(a, false));
    u32 dst = destination(e.addr);
    if (is_broadcast(dst) && !opts.broadcast) return Errno::EACCES;
    TRY(route_output(dst));
    remote_addr = dst;
    m_connected = true;
    return {};
}

ErrorOr<size_t> RawSocket::sendmsg(SendMsg& m) {
    BacklogFlush flush;
    if (m.flags & kMsgOob) return Errno::EOPNOTSUPP;
    size_t len = m.data.size();
    Endpoint to;
    if (m.name) to = TRY(parse_sockaddr(*m.name, true));
    if (len > kMaxDatagram - (hdrincl ? 0 : sizeof(Ipv4Header))) return Errno::EMSGSIZE;
    lv::OwnPtr<Packet> p = Packet::make(len);
    if (!p) return Errno::ENOBUFS;
    TRY(m.data.copy_in(0, p->put(len), len));

    kernel::giant::Section g;
    if (m_shutdown & kSendShutdown) return Errno::EPIPE;
    if (has_error()) return take_error();
    if (!m.name) {
        if (!m_connected) return Errno::EDESTADDRREQ;
        to.addr = remote_addr;
    }
    u32 dst = destination(to.addr);
    if (is_broadcast(dst) && !opts.broadcast) return Errno::EACCES;
    if (hdrincl) {
        // The caller's header: Linux fills in the total length, the checksum, and an
        // id and source when they are zero (raw_send_hdrinc). The header's destination
        // decides the route.
        if (len < sizeof(Ipv4Header)) return Errno::EINVAL;
        auto* ip = reinterpret_cast<Ipv4Header*>(p->data());
        size_t hlen = ip->header_length();
        if (hlen < sizeof(Ipv4Header) || hlen > len) return Errno::EINVAL;
        RouteResult r = TRY(route_output(destination(ip->dst.get())));
        if (!ip->src.get()) ip->src.set(local_addr ? local_addr : r.src);
        ip->total_length.set(u16(len));
        static u16 id = 0x4000;
        if (!ip->id.get()) ip->id.set(id++);
        ip->checksum.set(0);
        ip->checksum.set(checksum(ip, hlen));
        TRY(ipv4_send_datagram(lv::move(p), r));
        return len;
    }
    RouteResult r = TRY(route_output(dst));
    Ipv4Send s;
    s.src = local_addr ? local_addr : r.src;
    s.dst = dst;
    s.protocol = u8(protocol);
    s.ttl = ip_ttl();
    s.tos = tos;
    set_fragmentation(s);
    TRY(ipv4_send(lv::move(p), s, r));
    return len;
}

ErrorOr<void> RawSocket::proto_setsockopt(int name, UserPtr<const u8> val, u32 len) {
    // Options of SOL_RAW (255) arrive here because protocol-level options go to the
    // protocol; raw sockets answer for SOL_RAW whatever their protocol.
    if (name != kIcmpFilter || protocol != kIpprotoIcmp) return Errno::EOPNOTSUPP;
    if (len < sizeof(u32)) return Errno::EINVAL;
    icmp_filter = TRY(UserPtr<u32>(val.addr()).read());
    return {};
}

ErrorOr<void> RawSocket::proto_getsockopt(int name, UserPtr<u8> val, UserPtr<int> lenp) {
    if (name != kIcmpFilter || protocol != kIpprotoIcmp) return Errno::EOPNOTSUPP;
    int len = TRY(lenp.read());
    if (len < 0) return Errno::EINVAL;
    len = min(len, int(sizeof(u32)));
    u32 v;
    {
        kernel::giant::Section g;
        v = icmp_filter;
    }
    TRY(mm::copy_to_user(val.addr(), &v, size_t(len)));
    TRY(lenp.write(len));
    return {};
}

void for_each_raw_socket_impl(void (*f)(RawSocket&, void*), void* ctx) {
    for (RawSocket& s : raw_sockets()) f(s, ctx);
}

bool raw_deliver(const Packet& p, u8 protocol) LV_REQUIRES_GIANT {
    bool taken = false;
    const u8* ip = const_cast<Packet&>(p).buffer() + p.network_offset;
    size_t total = size_t(p.data() - ip) + p.length();
    size_t hlen = reinterpret_cast<const Ipv4Header*>(ip)->header_length();
    for (RawSocket& s : raw_sockets()) {
        if (s.protocol != protocol) continue;
        if (s.local_addr && s.local_addr != p.dst_ip) continue;
        if (s.has_peer() && s.remote_addr != p.src_ip) continue;
        if (protocol == kProtoIcmp && total > hlen) {
            u8 type = ip[hlen];
            if (type < 32 && (s.icmp_filter & (1u << type))) continue;
        }
        taken = true;
        lv::OwnPtr<Packet> copy = Packet::copy_of(ip, total);
        if (!copy) continue;
        copy->src_ip = p.src_ip;
        copy->dst_ip = p.dst_ip;
        s.deliver(lv::move(copy));
    }
    return taken;
}
} // namespace net::inet
