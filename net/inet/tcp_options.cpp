// TCP: IPPROTO_TCP socket options (include/uapi/linux/tcp.h), as do_tcp_setsockopt and
// do_tcp_getsockopt check them.
#include <kernel/sync/giant.h>
#include <net/inet/tcp.h>

namespace net::inet {
namespace {
enum : int {
    kTcpNodelay = 1, kTcpMaxseg = 2, kTcpCork = 3, kTcpKeepidle = 4, kTcpKeepintvl = 5, kTcpKeepcnt = 6,
    kTcpSyncnt = 7, kTcpLinger2 = 8, kTcpDeferAccept = 9, kTcpWindowClamp = 10, kTcpQuickack = 12,
    kTcpUserTimeout = 18,
};
constexpr int kMaxTcpKeepidle = 32767, kMaxTcpKeepintvl = 32767, kMaxTcpKeepcnt = 127, kMaxTcpSyncnt = 127;
} // namespace

ErrorOr<void> TcpSocket::proto_setsockopt(int name, UserPtr<const u8> val, u32 len) {
    if (len < sizeof(int)) return Errno::EINVAL;
    int v = TRY(UserPtr<int>(val.addr()).read());
    kernel::giant::Section g;
    switch (name) {
    case kTcpNodelay:
        m_nodelay = v != 0;
        output(); // what Nagle held back goes now
        return {};
    case kTcpCork:
        // FIXME: Linux also sends a corked partial segment after 200 ms; here it waits
        // until uncorked, a full segment, or the FIN.
        m_cork = v != 0;
        if (!m_cork) output();
        return {};
    case kTcpMaxseg:
        if (v && (v < kTcpMinMss || v > 65535)) return Errno::EINVAL;
        m_user_mss = u16(v);
        return {};
    case kTcpKeepidle:
        if (v < 1 || v > kMaxTcpKeepidle) return Errno::EINVAL;
        m_keepidle = v;
        if (has_peer()) arm_keepalive(); // keepalive_time_set: counts from now
        return {};
    case kTcpKeepintvl:
        if (v < 1 || v > kMaxTcpKeepintvl) return Errno::EINVAL;
        m_keepintvl = v;
        return {};
    case kTcpKeepcnt:
        if (v < 1 || v > kMaxTcpKeepcnt) return Errno::EINVAL;
        m_keepcnt = v;
        return {};
    case kTcpSyncnt:
        if (v < 1 || v > kMaxTcpSyncnt) return Errno::EINVAL;
        m_syncnt = v;
        return {};
    case kTcpLinger2:
        m_linger2 = v;
        return {};
    case kTcpDeferAccept:
        // FIXME: recorded only: connections are offered to accept() once established,
        // without waiting for their first data.
        m_defer_accept = v < 0 ? 0 : u32(v);
        return {};
    case kTcpWindowClamp:
        if (v && v < 2048 / 2) return Errno::EINVAL; // SOCK_MIN_RCVBUF / 2
        m_window_clamp = u32(v);
        return {};
    case kTcpQuickack:
        m_quickack = v != 0;
        return {};
    case kTcpUserTimeout:
        if (v < 0) return Errno::EINVAL;
        m_user_timeout = u32(v);
        return {};
    default:
        return Errno::ENOPROTOOPT;
    }
}

ErrorOr<void> TcpSocket::proto_getsockopt(int name, UserPtr<u8> val, UserPtr<int> len) {
    int v;
    {
        kernel::giant::Section g;
        switch (name) {
        case kTcpNodelay: v = m_nodelay; break;
        case kTcpCork: v = m_cork; break;
        case kTcpMaxseg:
            // The current MSS once connected, else what was asked for (or the default).
            v = (has_peer() || m_state == TcpState::SynSent) ? m_mss : (m_user_mss ? m_user_mss : kTcpDefaultMss);
            break;
        case kTcpKeepidle: v = m_keepidle; break;
        case kTcpKeepintvl: v = m_keepintvl; break;
        case kTcpKeepcnt: v = m_keepcnt; break;
        case kTcpSyncnt: v = m_syncnt ? m_syncnt : int(kTcpSynRetries); break;
        case kTcpLinger2: v = m_linger2 ? m_linger2 : int(kTcpFinTimeout / 1000000000ull); break; // seconds
        case kTcpDeferAccept: v = int(m_defer_accept); break;
        case kTcpWindowClamp: v = int(m_window_clamp ? m_window_clamp : kTcpMaxWindow); break;
        case kTcpQuickack: v = m_quickack; break;
        case kTcpUserTimeout: v = int(m_user_timeout); break;
        default: return Errno::ENOPROTOOPT;
        }
    }
    int l = TRY(len.read());
    if (l < 0) return Errno::EINVAL;
    l = min(l, int(sizeof(int)));
    TRY(mm::copy_to_user(val.addr(), &v, size_t(l)));
    TRY(len.write(l));
    return {};
}
} // namespace net::inet
