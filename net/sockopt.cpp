// setsockopt/getsockopt at SOL_SOCKET, as net/core/sock.c (sk_setsockopt, sk_getsockopt)
// does them; other levels go to the family.
#include <kernel/process.h>
#include <lib/string.h>
#include <net/socket.h>

namespace net {
namespace {
constexpr int kSolSocket = 1;
// asm-generic/socket.h (x86_64 and aarch64 both use it).
enum : int {
    kSoDebug = 1, kSoReuseaddr = 2, kSoType = 3, kSoError = 4, kSoDontroute = 5, kSoBroadcast = 6,
    kSoSndbuf = 7, kSoRcvbuf = 8, kSoKeepalive = 9, kSoOobinline = 10, kSoNoCheck = 11, kSoPriority = 12,
    kSoLinger = 13, kSoBsdcompat = 14, kSoReuseport = 15, kSoPasscred = 16, kSoPeercred = 17,
    kSoRcvlowat = 18, kSoSndlowat = 19, kSoRcvtimeoOld = 20, kSoSndtimeoOld = 21, kSoPeername = 28,
    kSoTimestampOld = 29, kSoAcceptconn = 30, kSoSndbufforce = 32, kSoRcvbufforce = 33, kSoPasssec = 34,
    kSoTimestampnsOld = 35, kSoProtocol = 38, kSoDomain = 39, kSoTimestampNew = 63, kSoTimestampnsNew = 64,
    kSoRcvtimeoNew = 66, kSoSndtimeoNew = 67,
};
// net.core.wmem_max/rmem_max defaults, and SOCK_MIN_SNDBUF/SOCK_MIN_RCVBUF (2 and 1
// times 2048 + the aligned size of struct sk_buff).
constexpr u32 kWmemMax = 212992, kRmemMax = 212992, kMinSndbuf = 4608, kMinRcvbuf = 2304;
constexpr int kIntMax = 0x7fffffff;

struct Linger {
    i32 onoff, secs;
};
// struct timeval / __kernel_sock_timeval: both two 64-bit fields on 64-bit Linux.
struct SockTimeval {
    i64 sec, usec;
};

// uid 0 has every capability (CAP_NET_ADMIN, ...); others none.
bool capable() { return kernel::capable(kernel::current_process()); }

// Linux doubles the value asked for (to allow for its bookkeeping overhead), after
// capping it at the sysctl maximum unless forced.
u32 doubled_buffer(int v, u32 cap, u32 minimum, bool force) {
    u32 val = force ? u32(max(v, 0)) : min(u32(v), cap);
    val = min(val, u32(kIntMax / 2));
    return max(val * 2, minimum);
}

ErrorOr<u64> read_timeout(UserPtr<const u8> p, u32 len) {
    if (len < sizeof(SockTimeval)) return Errno::EINVAL;
    auto tv = TRY(UserPtr<SockTimeval>(p.addr()).read());
    if (tv.usec < 0 || tv.usec >= 1000000) return Errno::EDOM;
    if (tv.sec < 0) return u64(0); // sock_set_timeout: a negative time means "do not wait"
    if (tv.sec == 0 && tv.usec == 0) return Timeout::kForever;
    if (tv.sec > 1000000000000ll) return Timeout::kForever; // beyond MAX_SCHEDULE_TIMEOUT
    // FIXME: Linux rounds up to whole jiffies (HZ); this keeps microseconds exactly.
    return u64(tv.sec) * 1000000000ull + u64(tv.usec) * 1000ull;
}

SockTimeval timeval_of(u64 ns) {
    if (ns == Timeout::kForever) return {0, 0};
    return {i64(ns / 1000000000ull), i64(ns % 1000000000ull / 1000)};
}
} // namespace

ErrorOr<void> Socket::setsockopt(int level, int name, UserPtr<const u8> val, u32 len) {
    if (level != kSolSocket) return setsockopt_level(level, name, val, len);
    if (len < sizeof(int)) return Errno::EINVAL;
    int v = TRY(UserPtr<int>(val.addr()).read());
    bool on = v != 0;
    switch (name) {
    case kSoDebug:
        if (on && !capable()) return Errno::EACCES;
        opts.debug = on;
        return {};
    case kSoReuseaddr: opts.reuseaddr = on; return {};
    case kSoReuseport:
        // Only the IP families have port reuse (sk_setsockopt: !sk_is_inet).
        if (on && domain != kAfInet && domain != kAfInet6) return Errno::EOPNOTSUPP;
        opts.reuseport = on;
        return {};
    case kSoDontroute: opts.dontroute = on; return {};
    case kSoBroadcast: opts.broadcast = on; return {};
    case kSoKeepalive: opts.keepalive = on; return {};
    case kSoOobinline: opts.oobinline = on; return {};
    case kSoNoCheck: opts.no_check = on; return {};
    case kSoPasscred: opts.passcred = on; return {};
    // Without a security module there is no context to pass: Linux keeps the flag and
    // attaches nothing, and so does this.
    case kSoPasssec: opts.passsec = on; return {};
    case kSoBsdcompat: return {}; // obsolete, ignored by Linux too
    case kSoTimestampOld:
    case kSoTimestampNew:
    case kSoTimestampnsOld:
    case kSoTimestampnsNew: // sock_set_timestamp
        opts.timestamp_new = name == kSoTimestampNew || name == kSoTimestampnsNew;
        opts.timestamp = on;
        opts.timestamp_ns = on && (name == kSoTimestampnsOld || name == kSoTimestampnsNew);
        return {};
    case kSoSndbufforce:
    case kSoSndbuf:
        if (name == kSoSndbufforce && !capable()) return Errno::EPERM;
        opts.sndbuf = doubled_buffer(v, kWmemMax, kMinSndbuf, name == kSoSndbufforce);
        write_space_changed();
        return {};
    case kSoRcvbufforce:
    case kSoRcvbuf:
        if (name == kSoRcvbufforce && !capable()) return Errno::EPERM;
        opts.rcvbuf = doubled_buffer(v, kRmemMax, kMinRcvbuf, name == kSoRcvbufforce);
        return {};
    case kSoPriority:
        if ((v < 0 || v > 6) && !capable()) return Errno::EPERM;
        opts.priority = v;
        return {};
    case kSoLinger: {
        if (len < sizeof(Linger)) return Errno::EINVAL;
        auto l = TRY(UserPtr<Linger>(val.addr()).read());
        opts.linger_onoff = l.onoff ? 1 : 0;
        if (l.onoff) opts.linger_secs = l.secs < 0 ? kIntMax : l.secs;
        return {};
    }
    case kSoRcvlowat:
        opts.rcvlowat = v < 0 ? kIntMax : (v ? v : 1);
        return {};
    case kSoRcvtimeoOld:
    case kSoRcvtimeoNew:
        opts.rcvtimeo = TRY(read_timeout(val, len));
        return {};
    case kSoSndtimeoOld:
    case kSoSndtimeoNew:
        opts.sndtimeo = TRY(read_timeout(val, len));
        return {};
    default:
        // Read-only ones (SO_TYPE, SO_ERROR, SO_PEERCRED, SO_ACCEPTCONN, ...) and those
        // not implemented (FIXME: SO_PEEK_OFF, SO_MARK, SO_TIMESTAMPING, ...).
        return Errno::ENOPROTOOPT;
    }
}

ErrorOr<void> Socket::getsockopt(int level, int name, UserPtr<u8> val, UserPtr<int> lenp) {
    if (level != kSolSocket) return getsockopt_level(level, name, val, lenp);
    int len = TRY(lenp.read());
    if (len < 0) return Errno::EINVAL;
    union {
        int i;
        Linger linger;
        SockTimeval tv;
        Ucred cred;
    } v;
    memset(&v, 0, sizeof v);
    size_t lv = sizeof(int);
    switch (name) {
    case kSoDebug: v.i = opts.debug; break;
    case kSoReuseaddr: v.i = opts.reuseaddr; break;
    case kSoReuseport: v.i = opts.reuseport; break;
    case kSoDontroute: v.i = opts.dontroute; break;
    case kSoBroadcast: v.i = opts.broadcast; break;
    case kSoKeepalive: v.i = opts.keepalive; break;
    case kSoOobinline: v.i = opts.oobinline; break;
    case kSoNoCheck: v.i = opts.no_check; break;
    case kSoPasscred: v.i = opts.passcred; break;
    case kSoPasssec: v.i = opts.passsec; break;
    case kSoBsdcompat: v.i = 0; break;
    case kSoTimestampOld: v.i = opts.timestamp && !opts.timestamp_ns && !opts.timestamp_new; break;
    case kSoTimestampnsOld: v.i = opts.timestamp_ns && !opts.timestamp_new; break;
    case kSoTimestampNew: v.i = opts.timestamp && !opts.timestamp_ns && opts.timestamp_new; break;
    case kSoTimestampnsNew: v.i = opts.timestamp_ns && opts.timestamp_new; break;
    case kSoType: v.i = type; break;
    case kSoProtocol: v.i = protocol; break;
    case kSoDomain: v.i = domain; break;
    case kSoError: v.i = int(take_error()); break;
    case kSoSndbuf: v.i = int(opts.sndbuf); break;
    case kSoRcvbuf: v.i = int(opts.rcvbuf); break;
    case kSoPriority: v.i = opts.priority; break;
    case kSoRcvlowat: v.i = opts.rcvlowat; break;
    case kSoSndlowat: v.i = 1; break;
    case kSoAcceptconn: v.i = is_listening(); break;
    case kSoLinger:
        v.linger = {opts.linger_onoff, opts.linger_secs};
        lv = sizeof(Linger);
        break;
    case kSoRcvtimeoOld:
    case kSoRcvtimeoNew:
        v.tv = timeval_of(opts.rcvtimeo);
        lv = sizeof(SockTimeval);
        break;
    case kSoSndtimeoOld:
    case kSoSndtimeoNew:
        v.tv = timeval_of(opts.sndtimeo);
        lv = sizeof(SockTimeval);
        break;
    case kSoPeercred:
        v.cred = peer_cred();
        lv = sizeof(Ucred);
        break;
    case kSoPeername: {
        SockAddr a;
        if (getname(a, true).is_error()) return Errno::ENOTCONN;
        if (a.len < u32(len)) return Errno::EINVAL; // sk_getsockopt's own quirk
        TRY(mm::copy_to_user(val.addr(), a.bytes, size_t(len)));
        TRY(lenp.write(len));
        return {};
    }
    default:
        return Errno::ENOPROTOOPT;
    }
    if (size_t(len) > lv) len = int(lv);
    TRY(mm::copy_to_user(val.addr(), &v, size_t(len)));
    TRY(lenp.write(len));
    return {};
}
} // namespace net
