// TCP: segment arrival (RFC 793 3.9 "SEGMENT ARRIVES", with RFC 1122's and 5961's
// corrections): demultiplexing, the listener's handshake, and the checks of the
// synchronized states in the RFC's order (sequence, RST, SYN, ACK, data, FIN).
#include <kernel/sync/giant.h>
#include <kernel/random.h>
#include <kernel/time.h>
#include <net/inet/checksum.h>
#include <net/inet/ipv4.h>
#include <net/inet/ports.h>
#include <net/inet/tcp.h>

namespace net::inet {
namespace {
// The MSS option, if the SYN carries one (RFC 793 3.1, RFC 9293 3.2).
u16 parse_mss(const u8* opt, size_t len) {
    size_t i = 0;
    while (i < len) {
        u8 kind = opt[i];
        if (kind == 0) break;                 // end of options
        if (kind == 1) { i++; continue; }     // no-op
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len) break;
        if (kind == 2 && opt[i + 1] == 4) return u16(opt[i + 2] << 8 | opt[i + 3]);
        i += opt[i + 1];
    }
    return 0;
}

TcpSocket* find_connection(u32 local, u16 lport, u32 remote, u16 rport) LV_REQUIRES_GIANT {
    for (InetSocket& s : tcp_ports().bound) {
        auto& t = static_cast<TcpSocket&>(s);
        if (t.local_port == lport && t.remote_port == rport && t.remote_addr == remote && t.local_addr == local &&
            t.state() != TcpState::Listen && t.state() != TcpState::Closed)
            return &t;
    }
    return nullptr;
}

TcpSocket* find_listener(u32 local, u16 lport) LV_REQUIRES_GIANT {
    TcpSocket* wildcard = nullptr;
    for (InetSocket& s : tcp_ports().bound) {
        auto& t = static_cast<TcpSocket&>(s);
        if (t.local_port != lport || t.state() != TcpState::Listen) continue;
        if (t.local_addr == local) return &t;
        if (t.local_addr == 0) wildcard = &t;
    }
    return wildcard;
}
} // namespace

void tcp_receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT {
    size_t len = p->length();
    if (len < sizeof(TcpHeader)) return;
    auto* h = reinterpret_cast<const TcpHeader*>(p->data());
    size_t hlen = h->header_length();
    if (hlen < sizeof(TcpHeader) || hlen > len) return;
    u32 sum = pseudo_header_sum(p->src_ip, p->dst_ip, kProtoTcp, u16(len));
    if (checksum_finish(checksum_add(sum, p->data(), len)) != 0) return;
    // TCP is unicast only (RFC 1122 4.2.3.10).
    if (is_broadcast(p->dst_ip) || is_multicast(p->dst_ip)) return;
    TcpSegment seg;
    seg.seq = h->seq.get();
    seg.ack = h->ack.get();
    seg.flags = h->flags & 0x3f;
    seg.window = h->window.get();
    seg.mss = (seg.flags & kTcpSyn) ? parse_mss(p->data() + sizeof(TcpHeader), hlen - sizeof(TcpHeader)) : 0;
    seg.data = p->data() + hlen;
    seg.len = len - hlen;
    seg.src = p->src_ip;
    seg.dst = p->dst_ip;
    seg.sport = h->src_port.get();
    seg.dport = h->dst_port.get();

    if (TcpSocket* c = find_connection(seg.dst, seg.dport, seg.src, seg.sport)) c->segment_arrived(seg);
    else if (TcpSocket* l = find_listener(seg.dst, seg.dport)) l->listen_segment(seg);
    else tcp_send_reset_for(seg);
}

void tcp_icmp_error(const IcmpQuote& q, const IcmpError& e) LV_REQUIRES_GIANT {
    TcpSocket* c = find_connection(q.src, q.sport, q.dst, q.dport);
    if (!c) return;
    // Only about data in flight (tcp_v4_err ignores stale or forged errors).
    if (seq_lt(q.tcp_seq, c->m_snd_una) || seq_ge(q.tcp_seq, c->m_snd_max)) return;
    c->icmp_error(e.error, e.fatal);
}

void TcpSocket::icmp_error(Errno e, bool fatal) {
    if (m_state == TcpState::SynSent || m_state == TcpState::SynReceived) {
        // A connection attempt ends with any unreachable error (tcp_v4_err).
        done(e);
        return;
    }
    // In a connection only IP_RECVERR makes errors visible; else they are "soft".
    if (recverr) {
        set_error(e);
        m_wait.wake_all(fs::kPollErr);
    }
    (void)fatal;
}

void TcpSocket::set_peer_mss(u16 mss) {
    u16 m = mss ? mss : kTcpDefaultMss;
    if (auto r = route_output(remote_addr); !r.is_error()) m = u16(min<u32>(m, r.value().iface->mtu - 40));
    m = min(m, kTcpMaxSegment);
    if (m_user_mss) m = min(m, m_user_mss);
    m_mss = max(m, kTcpMinMss);
    m_cwnd = 10u * m_mss; // RFC 6928 initial window
}

void TcpSocket::listen_segment(const TcpSegment& seg) {
    if (seg.flags & kTcpRst) return;
    if (seg.flags & kTcpAck) {
        tcp_send_reset_for(seg);
        return;
    }
    if (!(seg.flags & kTcpSyn)) return;
    // A full accept queue drops new SYNs (the client retries), as Linux does; the
    // handshake queue is bounded too.
    if (m_accept_count > m_backlog || m_syn_count >= max(m_backlog, 16u) * 2) return;
    auto made = TcpSocket::create();
    if (made.is_error()) return;
    lv::RefPtr<TcpSocket> child = made.release_value();
    TcpSocket& c = *child;
    c.opts = opts;
    c.ttl = ttl;
    c.tos = tos;
    c.m_nodelay = m_nodelay;
    c.m_user_mss = m_user_mss;
    c.m_keepidle = m_keepidle;
    c.m_keepintvl = m_keepintvl;
    c.m_keepcnt = m_keepcnt;
    if (c.allocate_buffers().is_error()) return;
    c.local_addr = seg.dst;
    c.local_port = seg.dport;
    c.remote_addr = seg.src;
    c.remote_port = seg.sport;
    tcp_ports().bound.push_back(c); // shares the listener's port
    c.m_irs = seg.seq;
    c.m_rcv_nxt = seg.seq + 1;
    c.m_iss = u32(kernel::random::next_u64());
    c.m_snd_una = c.m_iss;
    c.m_snd_nxt = c.m_snd_max = c.m_iss + 1;
    c.m_send_base = c.m_iss + 1;
    c.m_snd_wnd = seg.window;
    c.m_snd_wl1 = seg.seq;
    c.m_snd_wl2 = c.m_iss;
    c.set_peer_mss(seg.mss);
    c.m_state = TcpState::SynReceived;
    c.m_parent = this;
    c.m_self = child; // the listener's queue holds it
    m_syn_queue.push_back(c);
    m_syn_count++;
    c.send_syn(true);
}

void TcpSocket::syn_sent_segment(const TcpSegment& seg) {
    bool ack = seg.flags & kTcpAck;
    if (ack && (seq_le(seg.ack, m_iss) || seq_gt(seg.ack, m_snd_max))) {
        tcp_send_reset_for(seg);
        return;
    }
    if (seg.flags & kTcpRst) {
        if (ack) done(Errno::ECONNREFUSED);
        return;
    }
    if (!(seg.flags & kTcpSyn)) return;
    m_irs = seg.seq;
    m_rcv_nxt = seg.seq + 1;
    // Our SYN offered its window before we knew the peer's sequence numbers: from here.
    m_rcv_adv = m_rcv_nxt + u32(min(m_recv.space(), kTcpMaxWindow));
    set_peer_mss(seg.mss);
    m_snd_wnd = seg.window;
    m_snd_wl1 = seg.seq;
    m_snd_wl2 = seg.ack;
    if (!ack) {
        // Simultaneous open (RFC 793 figure 8): answer with SYN-ACK.
        m_state = TcpState::SynReceived;
        send_syn(true);
        return;
    }
    m_snd_una = seg.ack;
    if (m_rtt_timing && seq_ge(seg.ack, m_rtt_seq)) rtt_sample(kernel::time::monotonic_ns() - m_rtt_start);
    m_rtt_timing = false;
    m_retries = 0;
    m_unacked_since_ns = 0;
    timer_cancel(m_rtx_timer);
    m_state = TcpState::Established;
    m_was_connected = true;
    m_last_rcv_ns = kernel::time::monotonic_ns();
    arm_keepalive();
    send_ack();
    m_wait.wake_all();
}

void TcpSocket::became_established() {
    m_state = TcpState::Established;
    m_was_connected = true;
    m_retries = 0;
    m_unacked_since_ns = 0;
    timer_cancel(m_rtx_timer);
    m_last_rcv_ns = kernel::time::monotonic_ns();
    arm_keepalive();
    if (TcpSocket* l = m_parent) {
        l->m_syn_queue.remove(*this);
        l->m_syn_count--;
        l->m_accept_queue.push_back(*this);
        l->m_accept_count++;
        l->m_wait.wake_all(fs::kPollIn | fs::kPollRdNorm);
    }
    m_wait.wake_all();
}

bool TcpSocket::process_ack(const TcpSegment& seg) {
    if (m_state == TcpState::SynReceived) {
        if (!seq_lt(m_snd_una, seg.ack) || !seq_le(seg.ack, m_snd_max)) {
            tcp_send_reset_for(seg);
            return false;
        }
        // The listener's accept queue filled up meanwhile: ignore the ACK; the SYN-ACK
        // is sent again and a later ACK may find room (tcp_check_req).
        if (m_parent && m_parent->m_accept_count > m_parent->m_backlog) return false;
        if (m_rtt_timing && seq_ge(seg.ack, m_rtt_seq)) rtt_sample(kernel::time::monotonic_ns() - m_rtt_start);
        m_rtt_timing = false;
        m_snd_una = seg.ack;
        m_snd_wnd = seg.window;
        m_snd_wl1 = seg.seq;
        m_snd_wl2 = seg.ack;
        became_established();
    }
    if (seq_gt(seg.ack, m_snd_max)) { // acknowledges what was never sent
        send_ack();
        return false;
    }
    u32 fin_seq = m_send_base + u32(m_send.size());
    if (seq_gt(seg.ack, m_snd_una)) {
        u32 acked = seg.ack - m_snd_una;
        size_t data = seq_gt(seg.ack, m_send_base) ? min(size_t(seg.ack - m_send_base), m_send.size()) : 0;
        m_send.consume(data);
        m_send_base += u32(data);
        m_snd_una = seg.ack;
        if (seq_lt(m_snd_nxt, m_snd_una)) m_snd_nxt = m_snd_una;
        if (m_rtt_timing && seq_ge(seg.ack, m_rtt_seq)) {
            rtt_sample(kernel::time::monotonic_ns() - m_rtt_start);
            m_rtt_timing = false;
        }
        // RFC 5681: slow start below ssthresh, then about one segment per round trip.
        if (m_cwnd < m_ssthresh) m_cwnd += min(acked, u32(m_mss));
        else m_cwnd += max(1u, u32(m_mss) * m_mss / m_cwnd);
        m_retries = 0;
        m_dupacks = 0;
        m_unacked_since_ns = 0;
        arm_retransmit();
        if (data) m_wait.wake_all(fs::kPollOut | fs::kPollWrNorm);
    } else if (seg.ack == m_snd_una && seg.len == 0 && !(seg.flags & (kTcpSyn | kTcpFin)) &&
               seg.window == m_snd_wnd && m_snd_una != m_snd_max) {
        // Three duplicate ACKs: the segment at snd_una is lost (fast retransmit).
        if (++m_dupacks == 3) {
            m_ssthresh = max((m_snd_max - m_snd_una) / 2, 2u * m_mss);
            m_cwnd = m_ssthresh;
            retransmit_first();
            if (seq_lt(m_snd_nxt, m_snd_max)) m_snd_nxt = m_snd_max;
        }
    }
    // The send window (RFC 793: only from segments newer than the last update).
    if (seq_lt(m_snd_wl1, seg.seq) || (m_snd_wl1 == seg.seq && seq_le(m_snd_wl2, seg.ack))) {
        bool opened = m_snd_wnd == 0 && seg.window > 0;
        m_snd_wnd = seg.window;
        m_snd_wl1 = seg.seq;
        m_snd_wl2 = seg.ack;
        if (opened && m_persist) {
            m_persist = false;
            timer_cancel(m_rtx_timer);
            m_rto = m_srtt ? m_rto : kTcpInitialRto;
        }
    }
    // Our FIN acknowledged?
    if (m_fin_queued && seq_gt(seg.ack, fin_seq)) {
        switch (m_state) {
        case TcpState::FinWait1:
            m_state = TcpState::FinWait2;
            if (m_orphan) timer_arm_in(m_wait_timer, fin_timeout());
            m_wait.wake_all();
            break;
        case TcpState::Closing:
            enter_time_wait();
            return false;
        case TcpState::LastAck:
            done();
            return false;
        default:
            break;
        }
    }
    return true;
}

void TcpSocket::process_data(const TcpSegment& seg) {
    if (seg.len == 0) return;
    if (m_state != TcpState::Established && m_state != TcpState::FinWait1 && m_state != TcpState::FinWait2) return;
    const u8* data = seg.data;
    size_t len = seg.len;
    u32 seq = seg.seq;
    if (seq_lt(seq, m_rcv_nxt)) { // partly a retransmission
        u32 dup = m_rcv_nxt - seq;
        if (dup >= len) {
            m_ack_needed = true;
            return;
        }
        data += dup;
        len -= dup;
        seq = m_rcv_nxt;
    }
    if (m_orphan) {
        // Nobody will read this: tell the peer (tcp_rcv_state_process, FIN_WAIT*).
        send_rst();
        done();
        return;
    }
    // Only what fits in the window offered (RFC 9293 3.10.7.4 trims the rest).
    u32 right = m_rcv_adv;
    if (seq_ge(seq, right)) {
        m_ack_needed = true;
        return;
    }
    if (seq_gt(seq + u32(len), right)) len = right - seq;
    if (seq != m_rcv_nxt) {
        // Beyond a gap: keep it, and ACK at once (the duplicate ACK asks for the gap,
        // RFC 5681 4.2).
        (void)m_ooo.insert(seq, data, len);
        m_ack_needed = true;
        return;
    }
    size_t n = min(len, m_recv.space());
    m_recv.append(data, n);
    m_rcv_nxt += u32(n);
    if (!m_ooo.empty()) m_ooo.drain_into(m_rcv_nxt, m_recv); // the gap is filled
    m_ack_needed = true;
    if (n) m_wait.wake_all(fs::kPollIn | fs::kPollRdNorm);
}

void TcpSocket::process_fin(const TcpSegment& seg) {
    if (!(seg.flags & kTcpFin)) return;
    u32 fin_seq = seg.seq + u32(seg.len);
    switch (m_state) {
    case TcpState::CloseWait:
    case TcpState::Closing:
    case TcpState::LastAck:
        m_ack_needed = true; // a retransmitted FIN
        return;
    case TcpState::TimeWait:
        m_ack_needed = true;
        timer_arm_in(m_wait_timer, kTcpTimeWait); // RFC 793: restart the 2 MSL wait
        return;
    case TcpState::Established:
    case TcpState::FinWait1:
    case TcpState::FinWait2:
        break;
    default:
        return;
    }
    if (fin_seq != m_rcv_nxt) return; // data before it is missing (or did not fit)
    m_rcv_nxt++;
    m_done = true;
    m_shutdown |= kRcvShutdown;
    m_ack_needed = true;
    if (m_state == TcpState::Established) m_state = TcpState::CloseWait;
    else if (m_state == TcpState::FinWait1) m_state = TcpState::Closing;
    else enter_time_wait();
    m_wait.wake_all(fs::kPollIn | fs::kPollRdNorm | kPollRdHup);
}

void TcpSocket::segment_arrived(const TcpSegment& seg) {
    if (m_state == TcpState::SynSent) {
        syn_sent_segment(seg);
        return;
    }
    // The peer is alive: keepalive starts counting again (even an unacceptable segment,
    // such as the answer to a probe, says so).
    m_last_rcv_ns = kernel::time::monotonic_ns();
    m_keep_probes = 0;
    // 1. Is it in the window (RFC 793 p. 69)? A shut window still takes a bare ACK or RST
    //    at rcv_nxt.
    u32 wnd = m_rcv_adv - m_rcv_nxt;
    u32 slen = seg.seq_len();
    bool ok;
    if (slen == 0) ok = wnd == 0 ? seg.seq == m_rcv_nxt : seq_ge(seg.seq, m_rcv_nxt) && seq_lt(seg.seq, m_rcv_nxt + wnd);
    else if (wnd == 0) ok = seg.seq == m_rcv_nxt; // data gets dropped below, ACK and FIN are seen
    else ok = (seq_ge(seg.seq, m_rcv_nxt) && seq_lt(seg.seq, m_rcv_nxt + wnd)) ||
              (seq_ge(seg.seq + slen - 1, m_rcv_nxt) && seq_lt(seg.seq + slen - 1, m_rcv_nxt + wnd));
    // Retransmitted old segments (all below rcv_nxt) are not acceptable: the ACK that
    // answers them says what we have.
    if (!ok) {
        if (!(seg.flags & kTcpRst)) send_ack();
        return;
    }
    // 2. RST.
    if (seg.flags & kTcpRst) {
        switch (m_state) {
        case TcpState::SynReceived: done(); break; // a passive open: just forget it
        case TcpState::CloseWait: done(Errno::EPIPE); break; // tcp_reset: they closed first
        case TcpState::Established:
        case TcpState::FinWait1:
        case TcpState::FinWait2: done(Errno::ECONNRESET); break;
        default: done(); break;
        }
        return;
    }
    // 3. A SYN inside the window: challenge ACK (RFC 5961 4.2) rather than a reset.
    if (seg.flags & kTcpSyn) {
        send_ack();
        return;
    }
    // 4. ACK.
    if (!(seg.flags & kTcpAck)) return;
    if (!process_ack(seg)) {
        if (m_ack_needed && m_state != TcpState::Closed) send_ack();
        return;
    }
    // 5. Data and FIN.
    if (wnd == 0 && seg.len) {
        m_ack_needed = true; // no room: the ACK repeats the shut window
    } else {
        process_data(seg);
        if (m_state == TcpState::Closed) return;
    }
    process_fin(seg);
    if (m_state == TcpState::Closed) return;
    output();
    if (m_ack_needed) send_ack();
}
} // namespace net::inet
