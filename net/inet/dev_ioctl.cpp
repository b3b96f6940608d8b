#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <lib/string.h>
#include <mm/user_ptr.h>
#include <net/inet/dev_ioctl.h>
#include <net/inet/inet_socket.h>
#include <net/inet/interface.h>
#include <net/inet/route.h>

namespace net::inet {
namespace {
enum : u32 {
    kSiocAddRt = 0x890b, kSiocDelRt = 0x890c, kSiocGIfName = 0x8910, kSiocGIfConf = 0x8912,
    kSiocGIfFlags = 0x8913, kSiocSIfFlags = 0x8914, kSiocGIfAddr = 0x8915, kSiocSIfAddr = 0x8916,
    kSiocGIfDstAddr = 0x8917, kSiocGIfBrdAddr = 0x8919, kSiocSIfBrdAddr = 0x891a, kSiocGIfNetmask = 0x891b,
    kSiocSIfNetmask = 0x891c, kSiocGIfMetric = 0x891d, kSiocGIfMtu = 0x8921, kSiocSIfMtu = 0x8922,
    kSiocGIfHwAddr = 0x8927, kSiocGIfIndex = 0x8933, kSiocGIfTxQLen = 0x8942, kSiocGIfMap = 0x8970,
};

// struct sockaddr (16 bytes).
struct KSockaddr {
    u16 family;
    u8 data[14];
};
// struct ifreq on 64-bit Linux: the name and a 24-byte union.
struct Ifreq {
    char name[kIfNameSize];
    union {
        KSockaddr addr;
        i16 flags;
        i32 ivalue; // ifindex, metric, mtu, qlen
        u8 map[24]; // struct ifmap
    };
};
static_assert(sizeof(Ifreq) == 40);
// struct ifconf: the buffer length and pointer.
struct Ifconf {
    i32 len;
    u32 pad;
    u64 buf;
};
static_assert(sizeof(Ifconf) == 16);
// struct rtentry (64-bit).
struct Rtentry {
    u64 pad1;
    KSockaddr dst, gateway, genmask;
    u16 flags;
    i16 pad2;
    u64 pad3, pad4;
    i16 metric;
    u64 dev; // char __user *
    u64 mtu, window;
    u16 irtt;
};
static_assert(sizeof(Rtentry) == 120);
constexpr u16 kRtfUp = 0x1, kRtfGateway = 0x2, kRtfHost = 0x4;

bool capable() { return kernel::capable(kernel::current_process()); }

KSockaddr inet_sockaddr(u32 addr) {
    KSockaddr sa {};
    sa.family = u16(kAfInet);
    // sin_port (2 bytes, 0) then sin_addr in network order.
    sa.data[2] = u8(addr >> 24);
    sa.data[3] = u8(addr >> 16);
    sa.data[4] = u8(addr >> 8);
    sa.data[5] = u8(addr);
    return sa;
}

ErrorOr<u32> inet_addr_of(const KSockaddr& sa) {
    if (sa.family != kAfInet) return Errno::EINVAL;
    return u32(sa.data[2]) << 24 | u32(sa.data[3]) << 16 | u32(sa.data[4]) << 8 | sa.data[5];
}

ErrorOr<long> ifconf(u64 arg) {
    UserPtr<Ifconf> up(arg);
    Ifconf c = TRY(up.read());
    // Snapshot under the lock, copy out after it.
    Ifreq entries[8];
    size_t n = 0;
    {
        kernel::giant::Section g;
        for (Interface& i : interfaces()) {
            if (!i.addr || n == 8) continue;
            memset(&entries[n], 0, sizeof(Ifreq));
            memcpy(entries[n].name, i.name, kIfNameSize);
            entries[n].addr = inet_sockaddr(i.addr);
            n++;
        }
    }
    if (!c.buf) { // the size needed
        c.len = i32(n * sizeof(Ifreq));
        TRY(up.write(c));
        return 0;
    }
    if (c.len < 0) return Errno::EINVAL;
    size_t fit = min(n, size_t(c.len) / sizeof(Ifreq));
    TRY(mm::copy_to_user(c.buf, entries, fit * sizeof(Ifreq)));
    c.len = i32(fit * sizeof(Ifreq));
    TRY(up.write(c));
    return 0;
}

ErrorOr<long> route_ioctl(u32 request, u64 arg) {
    if (!capable()) return Errno::EPERM;
    Rtentry rt = TRY(UserPtr<Rtentry>(arg).read());
    u32 dst = TRY(inet_addr_of(rt.dst));
    u32 mask = 0xffffffff;
    if (!(rt.flags & kRtfHost)) {
        mask = rt.genmask.family == kAfInet || rt.genmask.family == 0
                   ? u32(rt.genmask.data[2]) << 24 | u32(rt.genmask.data[3]) << 16 | u32(rt.genmask.data[4]) << 8 |
                         rt.genmask.data[5]
                   : 0;
        if (~mask & (~mask + 1)) return Errno::EINVAL; // not contiguous
        if (dst & ~mask) return Errno::EINVAL;
    }
    u32 gw = 0;
    if (rt.flags & kRtfGateway) gw = TRY(inet_addr_of(rt.gateway));
    char devname[kIfNameSize] = {};
    size_t devlen = 0;
    if (rt.dev) devlen = TRY(mm::copy_string_from_user(devname, rt.dev, sizeof devname));
    kernel::giant::Section g;
    if (request == kSiocDelRt) return route_delete(dst, mask, gw).is_error() ? Errno::ESRCH : ErrorOr<long>(0);
    Interface* iface = nullptr;
    if (devlen) {
        iface = find_interface(devname, devlen);
        if (!iface) return Errno::ENODEV;
    } else {
        // The interface whose subnet holds the gateway (or the destination).
        u32 hop = gw ? gw : dst;
        for (Interface& i : interfaces())
            if (!i.is_loopback() && i.on_link(hop)) iface = &i;
        if (!iface) return Errno::ENETUNREACH;
    }
    if (gw && !iface->on_link(gw)) return Errno::ENETUNREACH;
    u32 metric = rt.metric > 0 ? u32(rt.metric - 1) : 0; // route(8) passes metric + 1
    TRY(route_add(dst, mask, gw, iface, metric));
    return 0;
}
// The interface part of one SIOCxIF* request on `r`, under the stack's lock; for a
// getter, r is then copied back to the caller.
ErrorOr<long> interface_request(u32 request, Ifreq& r) {
    kernel::giant::Section g;
    Interface* iface = request == kSiocGIfName ? find_interface(r.ivalue)
                                               : find_interface(r.name, strnlen(r.name, kIfNameSize));
    if (!iface) return Errno::ENODEV;
    switch (request) {
    case kSiocGIfName: memcpy(r.name, iface->name, kIfNameSize); break;
    case kSiocGIfIndex: r.ivalue = iface->index; break;
    case kSiocGIfFlags: r.flags = i16(iface->flags & 0xffff); break;
    case kSiocGIfMetric: r.ivalue = 0; break;
    case kSiocGIfMtu: r.ivalue = i32(iface->mtu); break;
    case kSiocGIfTxQLen: r.ivalue = i32(iface->tx_queue_len); break;
    case kSiocGIfMap: memset(r.map, 0, sizeof r.map); break;
    case kSiocGIfHwAddr:
        memset(&r.addr, 0, sizeof r.addr);
        r.addr.family = iface->hw_type;
        memcpy(r.addr.data, iface->mac.b, kMacLen);
        break;
    case kSiocGIfAddr:
    case kSiocGIfDstAddr:
        if (!iface->addr) return Errno::EADDRNOTAVAIL;
        r.addr = inet_sockaddr(iface->addr);
        break;
    case kSiocGIfBrdAddr:
        if (!iface->addr) return Errno::EADDRNOTAVAIL;
        r.addr = inet_sockaddr(iface->broadcast);
        break;
    case kSiocGIfNetmask:
        if (!iface->addr) return Errno::EADDRNOTAVAIL;
        r.addr = inet_sockaddr(iface->netmask);
        break;
    case kSiocSIfFlags: {
        // Only IFF_UP (and the harmless user-settable bits) change; the rest is the link's.
        constexpr u32 kSettable = kIffUp | kIffMulticast;
        u32 f = (iface->flags & ~kSettable) | (u32(u16(r.flags)) & kSettable);
        if (iface->is_loopback()) f |= kIffRunning;
        iface->flags = f;
        iface->reconfigured();
        return 0;
    }
    case kSiocSIfAddr:
        set_interface_address(*iface, TRY(inet_addr_of(r.addr)), 0);
        return 0;
    case kSiocSIfNetmask: {
        u32 mask = TRY(inet_addr_of(r.addr));
        if (~mask & (~mask + 1)) return Errno::EINVAL;
        if (!iface->addr) return Errno::EADDRNOTAVAIL;
        set_interface_address(*iface, iface->addr, mask);
        return 0;
    }
    case kSiocSIfBrdAddr:
        if (!iface->addr) return Errno::EADDRNOTAVAIL;
        iface->broadcast = TRY(inet_addr_of(r.addr));
        return 0;
    case kSiocSIfMtu: {
        u32 max_mtu = iface->is_loopback() ? 65536 : 1500;
        if (r.ivalue < 68 || u32(r.ivalue) > max_mtu) return Errno::EINVAL;
        iface->mtu = u32(r.ivalue);
        return 0;
    }
    }
    return 0;
}
} // namespace

ErrorOr<long> interface_ioctl(u32 request, u64 arg) {
    switch (request) {
    case kSiocGIfConf: return ifconf(arg);
    case kSiocAddRt:
    case kSiocDelRt: return route_ioctl(request, arg);
    case kSiocGIfName: case kSiocGIfFlags: case kSiocSIfFlags: case kSiocGIfAddr: case kSiocSIfAddr:
    case kSiocGIfDstAddr: case kSiocGIfBrdAddr: case kSiocSIfBrdAddr: case kSiocGIfNetmask: case kSiocSIfNetmask:
    case kSiocGIfMetric: case kSiocGIfMtu: case kSiocSIfMtu: case kSiocGIfHwAddr: case kSiocGIfIndex:
    case kSiocGIfTxQLen: case kSiocGIfMap:
        break;
    default: return Errno::ENOTTY;
    }
    UserPtr<Ifreq> up(arg);
    Ifreq r = TRY(up.read());
    bool setter = request == kSiocSIfFlags || request == kSiocSIfAddr || request == kSiocSIfBrdAddr ||
                  request == kSiocSIfNetmask || request == kSiocSIfMtu;
    if (setter && !capable()) return Errno::EPERM;
    TRY(interface_request(request, r));
    if (!setter) TRY(up.write(r));
    return 0;
}
} // namespace net::inet
