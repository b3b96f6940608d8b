#include <kernel/sync/giant.h>
#include <lib/string.h>
#include <net/inet/inet_socket.h>
#include <net/inet/raw.h>
#include <net/inet/tcp.h>
#include <net/inet/udp.h>
#include <net/inet/wire.h>

namespace net::inet {
namespace {
// IPPROTO_IP options (include/uapi/linux/in.h).
constexpr int kIpTos = 1, kIpTtl = 2, kIpHdrincl = 3, kIpRecvErr = 11, kIpMtuDiscover = 10, kIpMtu = 14;
} // namespace

ErrorOr<Endpoint> parse_sockaddr(const SockAddr& a, bool allow_unspec) {
    if (a.len < sizeof(SockaddrIn)) return Errno::EINVAL;
    SockaddrIn sin;
    memcpy(&sin, a.bytes, sizeof sin);
    if (sin.family != kAfInet && !(allow_unspec && sin.family == kAfUnspec)) return Errno::EAFNOSUPPORT;
    return Endpoint {ntohl(sin.addr), ntohs(sin.port)};
}

void make_sockaddr(SockAddr& out, Endpoint e) {
    SockaddrIn sin {};
    sin.family = kAfInet;
    sin.port = htons(e.port);
    sin.addr = htonl(e.addr);
    memset(out.bytes, 0, sizeof out.bytes);
    memcpy(out.bytes, &sin, sizeof sin);
    out.len = sizeof sin;
}

InetSocket::InetSocket(fs::FileSystem& fs, int type, int protocol) : Socket(fs, kAfInet, type, protocol) {}

InetSocket::~InetSocket() = default;

ErrorOr<void> InetSocket::getname(SockAddr& out, bool peer) {
    Endpoint e;
    {
        kernel::giant::Section g;
        if (peer) {
            if (!has_peer()) return Errno::ENOTCONN;
            e = {remote_addr, remote_port};
        } else {
            e = {local_addr, local_port};
        }
    }
    make_sockaddr(out, e);
    return {};
}

// Interface and routing requests are the socket layer's (net/socket.cpp hands them to
// interface_ioctl for every family); what is left is the protocol's.
ErrorOr<long> InetSocket::family_ioctl(u32 request, u64 arg) { return proto_ioctl(request, arg); }

ErrorOr<int> read_int_option(UserPtr<const u8> val, u32 len, bool allow_byte) {
    if (len >= sizeof(int)) return TRY(UserPtr<int>(val.addr()).read());
    if (allow_byte && len >= 1) return int(TRY(UserPtr<u8>(val.addr()).read()));
    return Errno::EINVAL;
}

ErrorOr<void> write_int_option(UserPtr<u8> val, UserPtr<int> lenp, int v) {
    int len = TRY(lenp.read());
    if (len < 0) return Errno::EINVAL;
    // Linux gives a single byte to a caller asking for less than an int (ip_getsockopt).
    if (len < int(sizeof(int)) && len > 0 && v >= 0 && v <= 255) {
        TRY(UserPtr<u8>(val.addr()).write(u8(v)));
        TRY(lenp.write(1));
        return {};
    }
    len = min(len, int(sizeof(int)));
    TRY(mm::copy_to_user(val.addr(), &v, size_t(len)));
    TRY(lenp.write(len));
    return {};
}

ErrorOr<void> InetSocket::setsockopt_level(int level, int name, UserPtr<const u8> val, u32 len) {
    if (level == proto_level() && level != kIpprotoIp) return proto_setsockopt(name, val, len);
    if (level != kIpprotoIp) return Errno::ENOPROTOOPT;
    switch (name) {
    case kIpHdrincl:
        if (type != kSockRaw) return Errno::ENOPROTOOPT;
        hdrincl = TRY(read_int_option(val, len, true)) != 0;
        return {};
    case kIpTos: {
        int v = TRY(read_int_option(val, len, true));
        tos = u8(v);
        return {};
    }
    case kIpTtl: {
        int v = TRY(read_int_option(val, len, true));
        if (v != -1 && (v < 1 || v > 255)) return Errno::EINVAL;
        ttl = v == -1 ? 0 : u8(v);
        return {};
    }
    case kIpRecvErr:
        recverr = TRY(read_int_option(val, len, true)) != 0;
        return {};
    case kIpMtuDiscover: {
        int v = TRY(read_int_option(val, len, true));
        if (v < 0 || v > 5) return Errno::EINVAL;
        pmtudisc = u8(v);
        return {};
    }
    default: return Errno::ENOPROTOOPT;
    }
}

ErrorOr<void> InetSocket::getsockopt_level(int level, int name, UserPtr<u8> val, UserPtr<int> len) {
    if (level == proto_level() && level != kIpprotoIp) return proto_getsockopt(name, val, len);
    if (level != kIpprotoIp) return Errno::EOPNOTSUPP;
    switch (name) {
    case kIpHdrincl:
        if (type != kSockRaw) return Errno::ENOPROTOOPT;
        return write_int_option(val, len, hdrincl);
    case kIpTos: return write_int_option(val, len, tos);
    case kIpTtl: return write_int_option(val, len, ip_ttl());
    case kIpRecvErr: return write_int_option(val, len, recverr);
    case kIpMtuDiscover: return write_int_option(val, len, pmtudisc);
    case kIpMtu: {
        u32 mtu;
        {
            kernel::giant::Section g;
            if (!has_peer()) return Errno::ENOTCONN;
            auto r = route_output(remote_addr);
            if (r.is_error()) return Errno::ENOTCONN;
            mtu = r.value().iface->mtu;
        }
        return write_int_option(val, len, int(mtu));
    }
    default: return Errno::ENOPROTOOPT;
    }
}

ErrorOr<lv::RefPtr<Socket>> create_inet_socket(int type, int protocol) {
    switch (type) {
    case kSockStream:
        if (protocol != 0 && protocol != kIpprotoTcp) return Errno::EPROTONOSUPPORT;
        return lv::RefPtr<Socket>(TRY(TcpSocket::create()));
    case kSockDgram:
        // FIXME: no ping sockets (SOCK_DGRAM with IPPROTO_ICMP). Linux refuses them with
        // EACCES under its default net.ipv4.ping_group_range ("1 0": no group may), which
        // is what this says too; ping uses SOCK_RAW.
        if (protocol == kIpprotoIcmp) return Errno::EACCES;
        if (protocol != 0 && protocol != kIpprotoUdp) return Errno::EPROTONOSUPPORT;
        return lv::RefPtr<Socket>(TRY(UdpSocket::create()));
    case kSockRaw:
        return lv::RefPtr<Socket>(TRY(RawSocket::create(protocol)));
    default:
        return Errno::ESOCKTNOSUPPORT;
    }
}
} // namespace net::inet
