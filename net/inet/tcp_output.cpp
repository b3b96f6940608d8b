// TCP: building and sending segments, the retransmission and persist timer, RTT
// estimation (RFC 6298), congestion control (RFC 5681), TIME_WAIT and the end of a
// connection.
#include <kernel/sync/giant.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <net/inet/checksum.h>
#include <net/inet/ipv4.h>
#include <net/inet/ports.h>
#include <net/inet/tcp.h>

namespace net::inet {
namespace {

struct Addressing {
    u32 src, dst;
    u16 sport, dport;
    u8 ttl, tos;
};

// Sends one segment: header (with an MSS option if mss != 0), then `len` bytes of
// payload taken from `ring` at `ring_off`.
void transmit(const Addressing& a, u32 seq, u32 ack, u8 flags, u16 window, u16 mss, const ByteRing* ring,
              size_t ring_off, size_t len) LV_REQUIRES_GIANT {
    size_t hlen = sizeof(TcpHeader) + (mss ? 4 : 0);
    lv::OwnPtr<Packet> p = Packet::make(hlen + len);
    if (!p) return; // the retransmission timer will try again
    auto* h = reinterpret_cast<TcpHeader*>(p->put(hlen));
    h->src_port.set(a.sport);
    h->dst_port.set(a.dport);
    h->seq.set(seq);
    h->ack.set((flags & kTcpAck) ? ack : 0);
    h->data_offset = u8((hlen / 4) << 4);
    h->flags = flags;
    h->window.set(window);
    h->checksum.set(0);
    h->urgent.set(0);
    if (mss) {
        u8* o = reinterpret_cast<u8*>(h + 1);
        o[0] = 2; // kind: maximum segment size
        o[1] = 4;
        o[2] = u8(mss >> 8);
        o[3] = u8(mss);
    }
    if (len) ring->copy_out(ring_off, p->put(len), len);
    u32 sum = pseudo_header_sum(a.src, a.dst, kProtoTcp, u16(hlen + len));
    h->checksum.set(checksum_finish(checksum_add(sum, p->data(), p->length())));
    Ipv4Send s;
    s.src = a.src;
    s.dst = a.dst;
    s.protocol = kProtoTcp;
    s.ttl = a.ttl;
    s.tos = a.tos;
    (void)ipv4_send(lv::move(p), s); // a lost segment is retransmitted
}

lv::IntrusiveList<TcpSocket, &TcpSocket::reap_node>& reap_list() {
    static lv::IntrusiveList<TcpSocket, &TcpSocket::reap_node> list;
    return list;
}
} // namespace

void tcp_send_reset_for(const TcpSegment& seg) LV_REQUIRES_GIANT {
    if (seg.flags & kTcpRst) return;
    if (is_broadcast(seg.dst) || is_multicast(seg.dst)) return;
    Addressing a {seg.dst, seg.src, seg.dport, seg.sport, kDefaultTtl, 0};
    if (seg.flags & kTcpAck) transmit(a, seg.ack, 0, kTcpRst, 0, 0, nullptr, 0, 0);
    else transmit(a, 0, seg.seq + seg.seq_len(), kTcpRst | kTcpAck, 0, 0, nullptr, 0, 0);
}

void tcp_reap() {
    for (;;) {
        TcpSocket* s;
        {
            kernel::giant::Section g;
            s = reap_list().pop_front();
        }
        if (!s) return;
        s->unref(); // the reference m_self held
    }
}

bool tcp_reap_pending() { return !reap_list().empty(); }

u64 TcpSocket::fin_timeout() const {
    // TCP_LINGER2: seconds (0: net.ipv4.tcp_fin_timeout; negative: no FIN_WAIT_2 wait).
    if (m_linger2 < 0) return 0;
    return m_linger2 ? u64(m_linger2) * 1000 * kMsec : kTcpFinTimeout;
}

u16 TcpSocket::advertised_window() {
    size_t space = min(m_recv.space(), kTcpMaxWindow);
    if (m_window_clamp) space = min(space, size_t(m_window_clamp)); // TCP_WINDOW_CLAMP
    u32 right = m_rcv_nxt + u32(space);
    // A window is never shrunk (RFC 1122 4.2.2.16): keep the edge already offered.
    if (seq_lt(right, m_rcv_adv)) right = m_rcv_adv;
    m_rcv_adv = right;
    return u16(min<u32>(right - m_rcv_nxt, kTcpMaxWindow));
}

void TcpSocket::send_syn(bool with_ack) {
    Addressing a {local_addr, remote_addr, local_port, remote_port, ip_ttl(), tos};
    u16 window = u16(min(m_recv.space(), kTcpMaxWindow));
    m_rcv_adv = m_rcv_nxt + window;
    // Our MSS: what the route's interface carries (capped), or TCP_MAXSEG.
    u16 mss = kTcpMaxSegment;
    if (auto r = route_output(remote_addr); !r.is_error()) mss = u16(min<u32>(r.value().iface->mtu - 40, mss));
    if (m_user_mss) mss = min(mss, m_user_mss);
    transmit(a, m_iss, m_rcv_nxt, with_ack ? (kTcpSyn | kTcpAck) : kTcpSyn, window, mss, nullptr, 0, 0);
    if (!m_rtt_timing && m_retries == 0) {
        m_rtt_timing = true;
        m_rtt_seq = m_iss + 1;
        m_rtt_start = kernel::time::monotonic_ns();
    }
    timer_arm_in(m_rtx_timer, m_rto);
}

void TcpSocket::send_ack() {
    Addressing a {local_addr, remote_addr, local_port, remote_port, ip_ttl(), tos};
    transmit(a, m_snd_nxt, m_rcv_nxt, kTcpAck, advertised_window(), 0, nullptr, 0, 0);
    m_ack_needed = false;
}

void TcpSocket::send_rst() {
    Addressing a {local_addr, remote_addr, local_port, remote_port, ip_ttl(), tos};
    transmit(a, m_snd_nxt, m_rcv_nxt, kTcpRst | kTcpAck, 0, 0, nullptr, 0, 0);
}

void TcpSocket::send_data(u32 seq, size_t len, u8 flags) {
    Addressing a {local_addr, remote_addr, local_port, remote_port, ip_ttl(), tos};
    transmit(a, seq, m_rcv_nxt, flags | kTcpAck, advertised_window(), 0, &m_send, size_t(seq - m_send_base), len);
    m_ack_needed = false;
}

bool TcpSocket::output() {
    switch (m_state) {
    case TcpState::Established:
    case TcpState::CloseWait:
    case TcpState::FinWait1:
    case TcpState::Closing:
    case TcpState::LastAck:
        break;
    default:
        return false;
    }
    bool sent = false;
    u32 fin_seq = m_send_base + u32(m_send.size()); // where the FIN goes, if queued
    for (;;) {
        u32 off = m_snd_nxt - m_send_base;
        size_t unsent = off < m_send.size() ? m_send.size() - off : 0;
        u32 window = min(m_snd_wnd, m_cwnd);
        u32 in_flight = m_snd_nxt - m_snd_una;
        size_t usable = window > in_flight ? window - in_flight : 0;
        if (unsent) {
            size_t len = min(min(unsent, size_t(m_mss)), usable);
            if (len == 0) {
                // The peer's window is shut and nothing is in flight to reopen it: probe.
                if (m_snd_wnd == 0 && m_snd_una == m_snd_max && !m_rtx_timer.armed()) {
                    m_persist = true;
                    timer_arm_in(m_rtx_timer, m_rto);
                }
                break;
            }
            // A segment shorter than the MSS that ends the queued data waits while the
            // socket is corked (TCP_CORK, MSG_MORE), and by Nagle's algorithm (RFC 896,
            // unless TCP_NODELAY) while earlier data is unacknowledged; a FIN due after
            // it sends it at once (tcp_nagle_test).
            if (len < m_mss && len == unsent && !m_fin_queued && ((m_cork || m_more) || (!m_nodelay && in_flight)))
                break;
            u8 flags = len == unsent ? kTcpPsh : 0;
            bool with_fin = m_fin_queued && len == unsent;
            if (with_fin) flags |= kTcpFin;
            if (!m_rtt_timing && m_snd_nxt == m_snd_max) {
                m_rtt_timing = true;
                m_rtt_seq = m_snd_nxt + u32(len);
                m_rtt_start = kernel::time::monotonic_ns();
            }
            send_data(m_snd_nxt, len, flags);
            m_snd_nxt += u32(len) + (with_fin ? 1 : 0);
            sent = true;
        } else if (m_fin_queued && m_snd_nxt == fin_seq) {
            send_data(m_snd_nxt, 0, kTcpFin);
            m_snd_nxt++;
            sent = true;
        } else {
            break;
        }
        if (seq_gt(m_snd_nxt, m_snd_max)) m_snd_max = m_snd_nxt;
        if (!m_rtx_timer.armed() || m_persist) {
            m_persist = false;
            timer_arm_in(m_rtx_timer, m_rto);
        }
    }
    if (m_ack_needed) send_ack();
    return sent;
}

void TcpSocket::maybe_window_update() {
    if (m_state != TcpState::Established && m_state != TcpState::FinWait1 && m_state != TcpState::FinWait2) return;
    u32 offered = m_rcv_adv - m_rcv_nxt;
    size_t now = min(m_recv.space(), kTcpMaxWindow);
    // tcp_cleanup_rbuf: worth a segment when the window grew by two segments, or
    // reopened from (nearly) shut.
    if (now >= offered + 2u * m_mss || (offered < m_mss && now >= m_mss)) send_ack();
}

void TcpSocket::rtt_sample(u64 rtt) {
    // RFC 6298 2.2/2.3, with Linux's 200 ms floor.
    if (m_srtt == 0) {
        m_srtt = rtt;
        m_rttvar = rtt / 2;
    } else {
        u64 diff = m_srtt > rtt ? m_srtt - rtt : rtt - m_srtt;
        m_rttvar = (3 * m_rttvar + diff) / 4;
        m_srtt = (7 * m_srtt + rtt) / 8;
    }
    m_rto = min(max(m_srtt + max<u64>(4 * m_rttvar, 10 * kMsec), kTcpMinRto), kTcpMaxRto);
}

void TcpSocket::arm_retransmit() {
    if (m_snd_una != m_snd_max) {
        m_persist = false;
        timer_arm_in(m_rtx_timer, m_rto);
    } else if (!m_persist) {
        timer_cancel(m_rtx_timer);
    }
}

void TcpSocket::retransmit_timeout() {
    if (m_persist) {
        // A zero-window probe: an old sequence number makes the peer answer with an ACK
        // that carries its current window (tcp_xmit_probe_skb).
        Addressing a {local_addr, remote_addr, local_port, remote_port, ip_ttl(), tos};
        transmit(a, m_snd_una - 1, m_rcv_nxt, kTcpAck, advertised_window(), 0, nullptr, 0, 0);
        m_rto = min(m_rto * 2, kTcpMaxRto);
        timer_arm_in(m_rtx_timer, m_rto);
        return;
    }
    unsigned limit = m_state == TcpState::SynSent       ? kTcpSynRetries
                     : m_state == TcpState::SynReceived ? kTcpSynAckRetries
                                                        : kTcpRetries2;
    if (m_syncnt && (m_state == TcpState::SynSent)) limit = unsigned(m_syncnt);
    u64 now = kernel::time::monotonic_ns();
    if (!m_unacked_since_ns) m_unacked_since_ns = now;
    // TCP_USER_TIMEOUT replaces the retry count once set (tcp_write_timeout).
    bool expired = m_user_timeout ? now - m_unacked_since_ns >= u64(m_user_timeout) * kMsec : m_retries + 1 > limit;
    ++m_retries;
    if (expired) {
        done(Errno::ETIMEDOUT);
        return;
    }
    m_rto = min(m_rto * 2, kTcpMaxRto);
    m_rtt_timing = false; // Karn: no sample from a retransmitted segment
    if (m_state == TcpState::SynSent || m_state == TcpState::SynReceived) {
        send_syn(m_state == TcpState::SynReceived);
        return;
    }
    if (m_snd_una == m_snd_max) return;
    // Go back to the first unacknowledged byte with a window of one segment (RFC 5681
    // 3.1); later segments follow as ACKs open the congestion window again.
    u32 flight = m_snd_max - m_snd_una;
    m_ssthresh = max(flight / 2, 2u * m_mss);
    m_cwnd = m_mss;
    m_dupacks = 0;
    retransmit_first();
    timer_arm_in(m_rtx_timer, m_rto);
}

void TcpSocket::retransmit_first() {
    // In the synchronized states the send ring starts at snd_una.
    size_t len = min(m_send.size(), size_t(m_mss));
    bool fin = m_fin_queued && len == m_send.size();
    if (!len && !fin) return;
    send_data(m_snd_una, len, (fin ? kTcpFin : 0) | (len && len == m_send.size() ? kTcpPsh : 0));
    m_snd_nxt = m_snd_una + u32(len) + (fin ? 1 : 0);
}

void TcpSocket::on_rtx_timer(Timer& t) {
    auto off = reinterpret_cast<uptr>(&(reinterpret_cast<TcpSocket*>(0)->m_rtx_timer));
    auto* s = reinterpret_cast<TcpSocket*>(reinterpret_cast<uptr>(&t) - off);
    s->retransmit_timeout();
}

void TcpSocket::on_wait_timer(Timer& t) {
    auto off = reinterpret_cast<uptr>(&(reinterpret_cast<TcpSocket*>(0)->m_wait_timer));
    auto* s = reinterpret_cast<TcpSocket*>(reinterpret_cast<uptr>(&t) - off);
    if (s->m_state == TcpState::TimeWait || s->m_state == TcpState::FinWait2) s->done();
}

void TcpSocket::arm_keepalive() { timer_arm_in(m_keep_timer, u64(m_keepidle) * 1000 * kMsec); }

void TcpSocket::on_keep_timer(Timer& t) {
    auto off = reinterpret_cast<uptr>(&(reinterpret_cast<TcpSocket*>(0)->m_keep_timer));
    reinterpret_cast<TcpSocket*>(reinterpret_cast<uptr>(&t) - off)->keepalive_timeout();
}

void TcpSocket::keepalive_timeout() {
    // tcp_keepalive_timer: only synchronized connections, only while SO_KEEPALIVE is on
    // (checked here: the generic layer sets it without telling TCP), never while data
    // waits for an acknowledgement (retransmission watches the peer then).
    if (m_state == TcpState::Closed || m_state == TcpState::Listen || m_state == TcpState::SynSent ||
        m_state == TcpState::TimeWait)
        return;
    u64 idle = u64(m_keepidle) * 1000 * kMsec, now = kernel::time::monotonic_ns();
    if (!opts.keepalive || m_snd_una != m_snd_max || !m_send.empty()) {
        m_keep_probes = 0;
        arm_keepalive();
        return;
    }
    if (now < m_last_rcv_ns + idle && m_keep_probes == 0) {
        timer_arm(m_keep_timer, m_last_rcv_ns + idle);
        return;
    }
    if (m_keep_probes >= unsigned(m_keepcnt)) {
        send_rst(); // tcp_send_active_reset, in case the peer comes back
        done(Errno::ETIMEDOUT);
        return;
    }
    // A probe is an ACK one byte back (tcp_xmit_probe_skb): the peer answers with an ACK.
    Addressing a {local_addr, remote_addr, local_port, remote_port, ip_ttl(), tos};
    transmit(a, m_snd_una - 1, m_rcv_nxt, kTcpAck, advertised_window(), 0, nullptr, 0, 0);
    m_keep_probes++;
    timer_arm_in(m_keep_timer, u64(m_keepintvl) * 1000 * kMsec);
}

void TcpSocket::enter_time_wait() {
    m_state = TcpState::TimeWait;
    m_shutdown = kRcvShutdown | kSendShutdown;
    timer_cancel(m_rtx_timer);
    timer_cancel(m_keep_timer);
    timer_arm_in(m_wait_timer, kTcpTimeWait);
    m_wait.wake_all();
    if (m_orphan) release_buffers();
}

void TcpSocket::release_buffers() {
    // TIME_WAIT lasts a minute and a busy server has many: like Linux's timewait
    // minisockets, keep only what the protocol needs. Nobody can read any more.
    m_send.release();
    m_recv.release();
    m_ooo.clear();
}

void TcpSocket::done(Errno error) {
    if (error != Errno {}) set_error(error);
    TcpState old = m_state;
    m_state = TcpState::Closed;
    m_shutdown = kRcvShutdown | kSendShutdown;
    m_persist = false;
    timer_cancel(m_rtx_timer);
    timer_cancel(m_wait_timer);
    timer_cancel(m_keep_timer);
    m_wait.wake_all();
    if (m_parent) {
        // Not accepted yet. In the handshake: forget it. Established and queued: it
        // stays for accept(), which hands it out closed (its error tells why).
        if (old == TcpState::SynReceived) {
            m_parent->m_syn_queue.remove(*this);
            m_parent->m_syn_count--;
            m_parent = nullptr;
        } else {
            return;
        }
    }
    // The port goes back unless bind() chose it (inet_put_port unless SOCK_BINDPORT_LOCK).
    if (!m_port_locked || m_orphan) {
        unbind_port(tcp_ports(), *this);
        if (!m_orphan) local_port = 0;
    }
    if (m_self) reap_list().push_back(*m_self.leak_ref());
}
} // namespace net::inet
