// TCP: the socket calls (bind, connect, listen, accept, send, receive, shutdown, close,
// poll) on top of the protocol machinery of tcp_input.cpp and tcp_output.cpp.
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <kernel/signal.h>
#include <net/inet/ports.h>
#include <net/inet/tcp.h>

namespace net::inet {
namespace {
constexpr int kSomaxconn = 4096; // net.core.somaxconn
constexpr size_t kMinRing = 4096, kMaxRing = 65536;

bool capable() { return kernel::capable(kernel::current_process()); }

// Sends SIGPIPE for EPIPE unless MSG_NOSIGNAL (sk_stream_error).
Errno pipe_error(u32 flags) {
    if (!(flags & kMsgNoSignal)) kernel::send_signal(kernel::current_thread(), kernel::SIGPIPE);
    return Errno::EPIPE;
}

// The receive ring holds what SO_RCVBUF allows in the window (Linux gives about half
// of it to data), between 4 KiB and the largest unscaled window.
size_t ring_size(u32 buf) { return min(max(size_t(buf) / 2, kMinRing), kMaxRing); }
} // namespace

const char* tcp_state_name(TcpState s) {
    static const char* const names[] = {"CLOSED",   "LISTEN",     "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1",
                                        "FIN_WAIT2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK", "TIME_WAIT"};
    return names[int(s)];
}

ErrorOr<lv::RefPtr<TcpSocket>> TcpSocket::create() { return make_socket<TcpSocket>(); }

TcpSocket::TcpSocket(fs::FileSystem& fs) : InetSocket(fs, kSockStream, kIpprotoTcp) {
    // Linux's TCP defaults (net.ipv4.tcp_rmem/tcp_wmem middle values).
    opts.rcvbuf = 131072;
    opts.sndbuf = 16384;
    m_rtx_timer.fire = on_rtx_timer;
    m_wait_timer.fire = on_wait_timer;
    m_keep_timer.fire = on_keep_timer;
}

TcpSocket::~TcpSocket() {
    kernel::giant::Section g;
    timer_cancel(m_rtx_timer);
    timer_cancel(m_wait_timer);
    timer_cancel(m_keep_timer);
    unbind_port(tcp_ports(), *this);
}

TcpSocket::Queues TcpSocket::queues() const {
    if (m_state == TcpState::Listen) return {m_backlog, m_accept_count};
    return {u32(m_snd_max - m_snd_una), u32(m_recv.size())};
}

bool TcpSocket::has_peer() const {
    return m_state != TcpState::Closed && m_state != TcpState::Listen && m_state != TcpState::SynSent &&
           m_state != TcpState::TimeWait;
}

bool TcpSocket::port_conflict(const InetSocket& other) const {
    // inet_bind_conflict: another socket may share this one's port when both set
    // SO_REUSEADDR and this one does not listen (its own state does not matter, so the
    // first of two such sockets may listen, the second not).
    return !(opts.reuseaddr && other.opts.reuseaddr && m_state != TcpState::Listen);
}

ErrorOr<void> TcpSocket::allocate_buffers() {
    TRY(m_recv.allocate(ring_size(opts.rcvbuf)));
    // The send ring: at least what SO_SNDBUF says, and enough to keep a window busy.
    TRY(m_send.allocate(min(max(size_t(opts.sndbuf) * 4, kMinRing), kMaxRing)));
    return {};
}

ErrorOr<void> TcpSocket::bind(const SockAddr& a) {
    Endpoint e = TRY(parse_sockaddr(a, true));
    if (a.family() == kAfUnspec && e.addr != kInaddrAny) return Errno::EAFNOSUPPORT;
    kernel::giant::Section g;
    if (e.addr && !interface_with_address(e.addr)) return Errno::EADDRNOTAVAIL;
    if (e.port && e.port < kPrivilegedPorts && !capable()) return Errno::EACCES;
    if (local_port || m_state != TcpState::Closed) return Errno::EINVAL;
    TRY(bind_port(tcp_ports(), *this, e.addr, e.port));
    m_port_locked = true;
    return {};
}

ErrorOr<void> TcpSocket::start_connect(u32 dst, u16 port) {
    if (is_broadcast(dst) || is_multicast(dst)) return Errno::ENETUNREACH;
    RouteResult r = TRY(route_output(dst));
    bool chose_addr = local_addr == 0;
    if (chose_addr) local_addr = r.src;
    if (!local_port) {
        auto b = bind_port(tcp_ports(), *this, local_addr, 0, true);
        if (b.is_error()) {
            if (chose_addr) local_addr = 0;
            return b.error();
        }
    } else {
        // A bound port may not repeat a connection that exists (one in TIME_WAIT, say).
        for (InetSocket& s : tcp_ports().bound) {
            if (&s == this || s.local_port != local_port || s.local_addr != local_addr) continue;
            if (s.remote_addr == dst && s.remote_port == port &&
                static_cast<TcpSocket&>(s).m_state != TcpState::Closed)
                return Errno::EADDRNOTAVAIL;
        }
    }
    if (auto b = allocate_buffers(); b.is_error()) return b.error();
    remote_addr = dst;
    remote_port = port;
    m_iss = u32(kernel::random::next_u64());
    m_snd_una = m_iss;
    m_snd_nxt = m_snd_max = m_iss + 1;
    m_send_base = m_iss + 1;
    m_snd_wnd = 0;
    u16 ifmss = u16(min<u32>(r.iface->mtu - 40, kTcpMaxSegment));
    m_mss = m_user_mss ? min(m_user_mss, ifmss) : ifmss; // until the peer's SYN says
    m_state = TcpState::SynSent;
    m_shutdown = 0;
    m_connecting = true;
    m_retries = 0;
    m_rto = kTcpInitialRto;
    send_syn(false);
    return {};
}

ErrorOr<void> TcpSocket::connect(const SockAddr& a, bool nonblock) {
    BacklogFlush flush;
    if (a.len >= 2 && a.family() == kAfUnspec) {
        // tcp_disconnect: drop whatever connection there is.
        kernel::giant::Section g;
        if (m_state == TcpState::Listen) close_listener();
        else if (has_peer() || m_state == TcpState::SynSent) abort_with_reset();
        m_state = TcpState::Closed;
        m_connecting = false;
        m_shutdown = 0;
        m_done = false;
        m_was_connected = false;
        remote_addr = 0;
        remote_port = 0;
        if (!m_port_locked) {
            unbind_port(tcp_ports(), *this);
            local_port = 0;
            local_addr = 0;
        }
        return {};
    }
    Endpoint e = TRY(parse_sockaddr(a, false));
    Timeout t = snd_timeout(nonblock);
    {
        kernel::giant::Section g;
        switch (m_state) {
        case TcpState::Closed:
            if (m_connecting) {
                // A connection attempt that failed since the last call: its error once
                // (unless SO_ERROR took it), then a new attempt may start.
                m_connecting = false;
                Errno err = take_error();
                return err != Errno {} ? err : Errno::ECONNABORTED;
            }
            if (m_was_connected) return Errno::EISCONN; // sock->state stays SS_CONNECTED
            TRY(start_connect(e.addr ? e.addr : kInaddrLoopback, e.port));
            if (nonblock) return Errno::EINPROGRESS;
            break;
        case TcpState::SynSent:
        case TcpState::SynReceived:
            if (nonblock) return Errno::EALREADY;
            break;
        default:
            // A non-blocking connect that completed: the first connect() after it says
            // so with 0 (SS_CONNECTING becomes SS_CONNECTED), later ones EISCONN.
            if (m_connecting) {
                m_connecting = false;
                return {};
            }
            return Errno::EISCONN;
        }
        while (m_state == TcpState::SynSent || m_state == TcpState::SynReceived) {
            auto r = t.sleep(m_wait);
            if (r.is_error()) return r.error() == Errno::EAGAIN ? Errno::EINPROGRESS : r.error();
            if (!t.can_wait() && (m_state == TcpState::SynSent || m_state == TcpState::SynReceived))
                return Errno::EINPROGRESS;
        }
        if (m_state == TcpState::Closed) {
            m_connecting = false;
            Errno err = take_error();
            return err != Errno {} ? err : Errno::ECONNABORTED;
        }
        m_connecting = false;
    }
    return {};
}

ErrorOr<void> TcpSocket::listen(int backlog) {
    BacklogFlush flush;
    if (u32(backlog) > u32(kSomaxconn)) backlog = kSomaxconn;
    kernel::giant::Section g;
    if (m_state == TcpState::Listen) {
        m_backlog = u32(backlog);
        return {};
    }
    if (m_state != TcpState::Closed || m_was_connected || m_connecting) return Errno::EINVAL;
    if (!local_port) {
        TRY(bind_port(tcp_ports(), *this, local_addr, 0));
    } else if (!port_usable_for_listen(tcp_ports(), *this)) {
        return Errno::EADDRINUSE;
    }
    m_backlog = u32(backlog);
    m_state = TcpState::Listen;
    m_shutdown = 0;
    return {};
}

ErrorOr<lv::RefPtr<Socket>> TcpSocket::accept(bool nonblock) {
    BacklogFlush flush;
    Timeout t = rcv_timeout(nonblock);
    lv::RefPtr<TcpSocket> child;
    {
        kernel::giant::Section g;
        for (;;) {
            if (m_state != TcpState::Listen) return Errno::EINVAL;
            if (TcpSocket* c = m_accept_queue.pop_front()) {
                m_accept_count--;
                c->m_parent = nullptr;
                child = lv::move(c->m_self);
                break;
            }
            TRY(t.sleep(m_wait));
        }
    }
    // The connection was made by the net thread; it belongs to whoever accepts it.
    auto cred = kernel::current_process().creds();
    child->uid = cred.fsuid;
    child->gid = cred.fsgid;
    return lv::RefPtr<Socket>(lv::move(child));
}

void TcpSocket::start_close() {
    if (m_state == TcpState::Established) m_state = TcpState::FinWait1;
    else if (m_state == TcpState::CloseWait) m_state = TcpState::LastAck;
    else return;
    m_fin_queued = true;
    output();
}

ErrorOr<void> TcpSocket::shutdown(int how) {
    BacklogFlush flush;
    if (how < kShutRd || how > kShutRdWr) return Errno::EINVAL;
    u32 mode = u32(how) + 1;
    kernel::giant::Section g;
    switch (m_state) {
    case TcpState::Listen:
        if (mode & kRcvShutdown) close_listener(); // inet_shutdown disconnects a listener
        return {};
    case TcpState::SynSent:
        abort_with_reset();
        m_connecting = false;
        m_wait.wake_all();
        return {};
    case TcpState::Closed:
        m_shutdown |= mode;
        m_wait.wake_all();
        return Errno::ENOTCONN;
    default:
        m_shutdown |= mode;
        if (mode & kSendShutdown) start_close();
        m_wait.wake_all();
        return {};
    }
}

bool TcpSocket::writable() const {
    // sk_stream_is_writeable: free space of at least half what is queued.
    return m_send.space() > 0 && m_send.space() >= m_send.size() / 2;
}

ErrorOr<size_t> TcpSocket::sendmsg(SendMsg& m) {
    BacklogFlush flush;
    // FIXME: no urgent data (MSG_OOB).
    if (m.flags & kMsgOob) return Errno::EOPNOTSUPP;
    size_t total = m.data.size();
    kernel::MutexLocker lock(m_tx_lock);
    Timeout t = snd_timeout(m.flags & kMsgDontWait);
    size_t done = 0;
    for (;;) {
        ByteRing::Span spans[2];
        size_t nspans = 0, n = 0;
        {
            kernel::giant::Section g;
            // sk_stream_wait_connect: a connection in progress is waited for.
            while (m_state == TcpState::SynSent || m_state == TcpState::SynReceived) {
                auto r = t.sleep(m_wait);
                if (r.is_error()) return done ? ErrorOr<size_t>(done) : r.error();
            }
            if (has_error()) {
                if (done) return done;
                return take_error();
            }
            if ((m_shutdown & kSendShutdown) ||
                (m_state != TcpState::Established && m_state != TcpState::CloseWait))
                return done ? ErrorOr<size_t>(done) : pipe_error(m.flags);
            if (done == total) return done;
            if (m_send.space() == 0) {
                auto r = t.sleep(m_wait);
                if (r.is_error()) return done ? ErrorOr<size_t>(done) : r.error();
                continue;
            }
            n = min(m_send.space(), total - done);
            nspans = m_send.free_space(n, spans);
        }
        // Copy with interrupts on: only this sender writes the free space (m_tx_lock),
        // and the memory stays with the socket.
        size_t copied = 0;
        for (size_t i = 0; i < nspans; i++) {
            auto r = m.data.copy_in(done + copied, spans[i].data, spans[i].len);
            if (r.is_error()) {
                if (!done && !copied) return r.error();
                break;
            }
            copied += spans[i].len;
        }
        kernel::giant::Section g;
        if (m_state != TcpState::Established && m_state != TcpState::CloseWait) continue; // reset meanwhile
        m_send.commit(copied);
        done += copied;
        m_more = (m.flags & kMsgMore) && done == total;
        output();
        m_more = false; // only this call's last piece waits for more
        if (copied < n) return done; // a fault part way
    }
}

ErrorOr<size_t> TcpSocket::recvmsg(RecvMsg& m) {
    BacklogFlush flush;
    // FIXME: no urgent data: MSG_OOB finds none (tcp_recv_urg says EINVAL then).
    if (m.flags & kMsgOob) return Errno::EINVAL;
    if (m.flags & kMsgErrQueue) return Errno::EAGAIN;
    bool peek = m.flags & kMsgPeek;
    size_t total = m.data.size();
    kernel::MutexLocker lock(m_rx_lock);
    Timeout t = rcv_timeout(m.flags & kMsgDontWait);
    size_t target = (m.flags & kMsgWaitAll) ? total : min(size_t(max(opts.rcvlowat, 1)), total);
    size_t done = 0;
    for (;;) {
        ByteRing::Span spans[2];
        size_t nspans = 0;
        {
            kernel::giant::Section g;
            if (m_state == TcpState::Listen) return Errno::ENOTCONN;
            size_t avail = m_recv.size();
            if (peek) avail = avail > done ? avail - done : 0;
            if (avail && done < total) {
                size_t n = min(avail, total - done);
                nspans = m_recv.content(peek ? done : 0, n, spans);
            } else {
                // tcp_recvmsg_locked's order: EOF after a FIN, then the pending error,
                // then a shutdown, then "never connected".
                if (done >= target || (done && peek)) return done;
                if (done && (has_error() || m_shutdown & kRcvShutdown || m_done)) return done;
                if (m_done) return size_t(0);
                if (has_error()) return take_error();
                if (m_shutdown & kRcvShutdown) return size_t(0);
                if (m_state == TcpState::Closed) return Errno::ENOTCONN;
                auto r = t.sleep(m_wait);
                if (r.is_error()) return done ? ErrorOr<size_t>(done) : r.error();
                continue;
            }
        }
        size_t copied = 0;
        for (size_t i = 0; i < nspans; i++) {
            auto r = m.data.copy_out(done + copied, spans[i].data, spans[i].len);
            if (r.is_error()) {
                if (!done && !copied) return r.error();
                break;
            }
            copied += spans[i].len;
        }
        kernel::giant::Section g;
        if (!peek) {
            m_recv.consume(copied);
            maybe_window_update();
        }
        done += copied;
        if (copied == 0) return done;
    }
}

u32 TcpSocket::poll_mask(u32) {
    constexpr u32 kIn = fs::kPollIn | fs::kPollRdNorm, kOut = fs::kPollOut | fs::kPollWrNorm;
    kernel::giant::Section g;
    if (m_state == TcpState::Listen) return m_accept_queue.empty() ? 0 : kIn;
    u32 mask = 0;
    bool closed = m_state == TcpState::Closed || m_state == TcpState::TimeWait;
    if (m_shutdown == (kRcvShutdown | kSendShutdown) || closed) mask |= fs::kPollHup;
    if (m_shutdown & kRcvShutdown) mask |= kIn | kPollRdHup;
    if (m_state != TcpState::SynSent && m_state != TcpState::SynReceived) {
        if (m_recv.size() >= size_t(max(opts.rcvlowat, 1)) || (m_recv.size() && m_done)) mask |= kIn;
        if (!(m_shutdown & kSendShutdown)) {
            if (closed || writable()) mask |= kOut;
        } else {
            mask |= kOut; // so that a writer finds out (EPIPE)
        }
    }
    if (has_error()) mask |= fs::kPollErr;
    return mask;
}

ErrorOr<size_t> TcpSocket::unread_bytes() {
    kernel::giant::Section g;
    if (m_state == TcpState::Listen) return Errno::EINVAL;
    return m_recv.size();
}

void TcpSocket::close_listener() {
    // Every connection not accepted yet is reset (inet_csk_listen_stop).
    while (TcpSocket* c = m_syn_queue.pop_front()) {
        c->m_parent = nullptr;
        c->done();
    }
    while (TcpSocket* c = m_accept_queue.pop_front()) {
        c->m_parent = nullptr;
        if (c->m_state != TcpState::Closed) c->send_rst();
        c->done();
    }
    m_syn_count = m_accept_count = 0;
    m_state = TcpState::Closed;
    if (!m_port_locked) {
        unbind_port(tcp_ports(), *this);
        local_port = 0;
    }
    m_wait.wake_all();
}

void TcpSocket::abort_with_reset() {
    if (m_state != TcpState::SynSent && m_state != TcpState::Closed && m_state != TcpState::Listen) send_rst();
    done();
}

void TcpSocket::close() {
    {
        kernel::giant::Section g;
        m_shutdown = kRcvShutdown | kSendShutdown;
        m_orphan = true;
        switch (m_state) {
        case TcpState::Closed:
            done();
            break;
        case TcpState::Listen:
            close_listener();
            done();
            break;
        case TcpState::SynSent:
            done();
            break;
        default:
            // RFC 2525 2.17, as Linux's tcp_close: unread data is lost, so the peer gets a
            // reset; so does SO_LINGER with a zero timeout (tcp_disconnect), in any
            // synchronized state.
            if (m_state != TcpState::TimeWait &&
                (!m_recv.empty() || (opts.linger_onoff && opts.linger_secs == 0))) {
                abort_with_reset();
                break;
            }
            m_self = this; // the connection lives on without its file
            if (m_state == TcpState::Established || m_state == TcpState::CloseWait) start_close();
            else if (m_state == TcpState::FinWait2) timer_arm_in(m_wait_timer, fin_timeout());
            else if (m_state == TcpState::TimeWait) release_buffers();
            break;
        }
        m_wait.wake_all();
        // SO_LINGER with a time: wait until the FIN is acknowledged (or time is up).
        if (opts.linger_onoff && opts.linger_secs > 0 && m_self) {
            Timeout t(u64(opts.linger_secs) * 1000000000ull);
            while (m_state == TcpState::FinWait1 || m_state == TcpState::LastAck || m_state == TcpState::Closing) {
                if (t.sleep(m_wait).is_error() || !t.can_wait()) break;
            }
        }
    }
    process_backlog(); // also reaps
}

ErrorOr<long> TcpSocket::proto_ioctl(u32 request, u64 arg) {
    constexpr u32 kSiocOutq = 0x5411, kSiocOutqNsd = 0x894b, kSiocAtMark = 0x8905;
    int v;
    {
        kernel::giant::Section g;
        if (m_state == TcpState::Listen) return Errno::EINVAL;
        switch (request) {
        case kSiocOutq: v = int(m_send.size()); break;
        case kSiocOutqNsd: v = int(m_send.size() - min<size_t>(m_send.size(), m_snd_nxt - m_send_base)); break;
        case kSiocAtMark: v = 0; break;
        default: return Errno::ENOTTY;
        }
    }
    TRY(UserPtr<int>(arg).write(v));
    return 0;
}
} // namespace net::inet
