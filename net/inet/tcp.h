// TCP (RFC 793, 1122, 5681, 6298) sockets: SOCK_STREAM over IPv4.
//
// A TcpSocket is the connection's control block too. It outlives its file when needed:
// after close() the stack keeps a reference (m_self) until the connection is fully
// closed (FIN_WAIT, TIME_WAIT, LAST_ACK), and connections a listener has not accepted
// yet are referenced from its queues. Files: tcp_socket.cpp (the socket calls),
// tcp_input.cpp (segment arrival), tcp_output.cpp (sending, timers), tcp_options.cpp.
//
// What is implemented: the three-way handshake (active, passive with a backlog),
// sequence and acknowledgement numbers, the peer's window with persist probes, our
// window from the free receive space, retransmission with an RTT-estimated RTO and
// exponential backoff, fast retransmit after three duplicate ACKs, slow start and
// congestion avoidance, FIN/RST handling, TIME_WAIT (60 s, as Linux), SO_LINGER.
// Out-of-order data waits in a reassembly queue until the gap fills. SO_KEEPALIVE sends
// probes after TCP_KEEPIDLE seconds without a word from the peer, and gives up with
// ETIMEDOUT after TCP_KEEPCNT unanswered ones.
// Small segments wait by Nagle's algorithm (unless TCP_NODELAY) and while corked.
// FIXME: not yet: window scaling, SACK, timestamps, urgent data.
#pragma once
#include <kernel/sync/giant.h>
#include <kernel/sync/mutex.h>
#include <net/inet/icmp.h>
#include <net/inet/inet_socket.h>
#include <net/inet/netd.h>
#include <net/inet/ring.h>
#include <net/inet/tcp_reassembly.h>
#include <net/inet/tcp_seq.h>
#include <net/inet/wire.h>

namespace net::inet {
enum class TcpState : u8 {
    Closed, Listen, SynSent, SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing, LastAck, TimeWait,
};
const char* tcp_state_name(TcpState s);


constexpr u16 kTcpDefaultMss = 536;     // RFC 1122 without an MSS option
constexpr u16 kTcpMinMss = 88;          // TCP_MIN_MSS
constexpr u16 kTcpMaxSegment = 16384;   // our cap per segment (keeps packets small on lo)
constexpr size_t kTcpMaxWindow = 65535; // no window scaling
constexpr u64 kMsec = 1000000ull;
constexpr u64 kTcpInitialRto = 1000 * kMsec; // RFC 6298
constexpr u64 kTcpMinRto = 200 * kMsec;      // TCP_RTO_MIN
constexpr u64 kTcpMaxRto = 120000 * kMsec;   // TCP_RTO_MAX
constexpr u64 kTcpTimeWait = 60000 * kMsec;  // TCP_TIMEWAIT_LEN
constexpr u64 kTcpFinTimeout = 60000 * kMsec; // net.ipv4.tcp_fin_timeout
constexpr unsigned kTcpSynRetries = 6, kTcpSynAckRetries = 5, kTcpRetries2 = 15;

// A received segment, parsed (host order).
struct TcpSegment {
    u32 seq, ack;
    u8 flags;
    u16 window;
    u16 mss; // option value, 0 if absent
    const u8* data;
    size_t len; // payload bytes
    u32 src, dst;
    u16 sport, dport;
    // Sequence space: payload plus SYN and FIN.
    u32 seq_len() const { return u32(len) + ((flags & kTcpSyn) ? 1 : 0) + ((flags & kTcpFin) ? 1 : 0); }
};

class TcpSocket final : public InetSocket {
public:
    static ErrorOr<lv::RefPtr<TcpSocket>> create();
    TcpSocket(fs::FileSystem& fs);
    ~TcpSocket() override;

    // ---- Socket operations (tcp_socket.cpp)
    ErrorOr<void> bind(const SockAddr&) LV_REQUIRES_GIANT override;
    ErrorOr<void> connect(const SockAddr&, bool nonblock) LV_REQUIRES_GIANT override;
    ErrorOr<void> listen(int backlog) LV_REQUIRES_GIANT override;
    ErrorOr<lv::RefPtr<Socket>> accept(bool nonblock) LV_REQUIRES_GIANT override;
    ErrorOr<void> shutdown(int how) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> sendmsg(SendMsg&) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> recvmsg(RecvMsg&) LV_REQUIRES_GIANT override;
    u32 poll_mask(u32 requested) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> unread_bytes() LV_REQUIRES_GIANT override;
    bool is_listening() const LV_REQUIRES_GIANT override { return m_state == TcpState::Listen; }
    void close() LV_REQUIRES_GIANT override;
    bool port_conflict(const InetSocket& other) const LV_REQUIRES_GIANT override;
    bool has_peer() const LV_REQUIRES_GIANT override;

    TcpState state() const LV_REQUIRES_GIANT { return m_state; }
    // What /proc/net/tcp shows as tx_queue/rx_queue: bytes not yet acknowledged and not
    // yet read; for a listener, its backlog and accept queue.
    struct Queues {
        u32 tx, rx;
    };
    Queues queues() const LV_REQUIRES_GIANT;
    lv::ListNode reap_node; // on the reaper's list once done() gave up m_self

    // ---- segment arrival (tcp_input.cpp)
    void segment_arrived(const TcpSegment& seg) LV_REQUIRES_GIANT;
    void icmp_error(Errno e, bool fatal) LV_REQUIRES_GIANT;

protected:
    ErrorOr<long> proto_ioctl(u32 request, u64 arg) LV_REQUIRES_GIANT override;
    ErrorOr<void> proto_setsockopt(int name, UserPtr<const u8> val, u32 len) LV_REQUIRES_GIANT override;
    ErrorOr<void> proto_getsockopt(int name, UserPtr<u8> val, UserPtr<int> len) LV_REQUIRES_GIANT override;

private:
    friend void tcp_receive(lv::OwnPtr<Packet> p);
    friend void tcp_reap();
    friend void tcp_icmp_error(const IcmpQuote& q, const IcmpError& e);
    // tcp_socket.cpp
    ErrorOr<void> allocate_buffers() LV_REQUIRES_GIANT;
    ErrorOr<void> start_connect(u32 dst, u16 port) LV_REQUIRES_GIANT;
    void start_close() LV_REQUIRES_GIANT; // FIN after the queued data (Established/CloseWait)
    void abort_with_reset() LV_REQUIRES_GIANT;
    void close_listener() LV_REQUIRES_GIANT;
    bool writable() const LV_REQUIRES_GIANT;

    // tcp_input.cpp
    void listen_segment(const TcpSegment& seg) LV_REQUIRES_GIANT;
    void syn_sent_segment(const TcpSegment& seg) LV_REQUIRES_GIANT;
    bool process_ack(const TcpSegment& seg) LV_REQUIRES_GIANT;
    void process_data(const TcpSegment& seg) LV_REQUIRES_GIANT;
    void process_fin(const TcpSegment& seg) LV_REQUIRES_GIANT;
    void became_established() LV_REQUIRES_GIANT;
    void set_peer_mss(u16 mss) LV_REQUIRES_GIANT;

    // tcp_output.cpp
    bool output() LV_REQUIRES_GIANT;                // send what the windows allow; true if it sent
    void send_syn(bool with_ack) LV_REQUIRES_GIANT; // SYN or SYN-ACK at iss
    void send_ack() LV_REQUIRES_GIANT;              // a bare ACK at snd_nxt
    void send_data(u32 seq, size_t len, u8 flags) LV_REQUIRES_GIANT;
    void send_rst() LV_REQUIRES_GIANT; // RST for this connection (abort)
    u16 advertised_window() LV_REQUIRES_GIANT;
    void maybe_window_update() LV_REQUIRES_GIANT; // after a read: tell the peer about new room
    void arm_retransmit() LV_REQUIRES_GIANT;
    void retransmit_timeout() LV_REQUIRES_GIANT;
    void retransmit_first() LV_REQUIRES_GIANT; // the segment at snd_una again
    void rtt_sample(u64 rtt_ns) LV_REQUIRES_GIANT;
    void enter_time_wait() LV_REQUIRES_GIANT;
    void release_buffers() LV_REQUIRES_GIANT; // an orphan in TIME_WAIT needs no data buffers
    void done(Errno error = Errno {}) LV_REQUIRES_GIANT; // the connection is over: CLOSED, unhashed, released
    // Timer callbacks run in the net thread, under the giant lock (net/inet/netd.h).
    static void on_rtx_timer(Timer& t) LV_REQUIRES_GIANT;
    static void on_wait_timer(Timer& t) LV_REQUIRES_GIANT;
    static void on_keep_timer(Timer& t) LV_REQUIRES_GIANT;
    void keepalive_timeout() LV_REQUIRES_GIANT;
    void arm_keepalive() LV_REQUIRES_GIANT; // from now, the idle time (TCP_KEEPIDLE)

    TcpState m_state LV_GUARDED_BY_GIANT = TcpState::Closed;
    u32 m_shutdown LV_GUARDED_BY_GIANT = 0; // kRcvShutdown | kSendShutdown (sk_shutdown)
    bool m_done LV_GUARDED_BY_GIANT = false;  // SOCK_DONE: the peer's FIN arrived (reads give EOF)
    bool m_connecting LV_GUARDED_BY_GIANT = false; // connect() in progress or failed unreported (SS_CONNECTING)
    bool m_was_connected LV_GUARDED_BY_GIANT = false; // SS_CONNECTED: connect/listen are refused from now on
    bool m_orphan LV_GUARDED_BY_GIANT = false; // the file is closed; the stack finishes the connection alone
    bool m_ack_needed LV_GUARDED_BY_GIANT = false; // send an ACK once the segment is processed

    // Send sequence variables (RFC 793 3.2), and the highest sequence sent.
    u32 m_iss LV_GUARDED_BY_GIANT = 0, m_snd_una LV_GUARDED_BY_GIANT = 0, m_snd_nxt LV_GUARDED_BY_GIANT = 0, m_snd_max LV_GUARDED_BY_GIANT = 0;
    u32 m_snd_wnd LV_GUARDED_BY_GIANT = 0, m_snd_wl1 LV_GUARDED_BY_GIANT = 0, m_snd_wl2 LV_GUARDED_BY_GIANT = 0;
    u32 m_send_base LV_GUARDED_BY_GIANT = 0; // sequence number of the first byte in m_send
    bool m_fin_queued LV_GUARDED_BY_GIANT = false; // FIN follows the queued data
    u16 m_mss LV_GUARDED_BY_GIANT = kTcpDefaultMss; // effective send MSS
    u16 m_user_mss LV_GUARDED_BY_GIANT = 0;         // TCP_MAXSEG
    // Receive sequence variables.
    u32 m_irs LV_GUARDED_BY_GIANT = 0, m_rcv_nxt LV_GUARDED_BY_GIANT = 0;
    u32 m_rcv_adv LV_GUARDED_BY_GIANT = 0; // right edge of the window last advertised

    ByteRing m_send LV_GUARDED_BY_GIANT; // from m_send_base: sent-unacknowledged then unsent bytes
    ByteRing m_recv LV_GUARDED_BY_GIANT; // in order, not yet read
    TcpReassembly m_ooo LV_GUARDED_BY_GIANT; // beyond a gap, within the window

    // Retransmission (RFC 6298) and congestion control (RFC 5681).
    Timer m_rtx_timer LV_GUARDED_BY_GIANT;  // retransmission, SYN retry, persist probe
    Timer m_wait_timer LV_GUARDED_BY_GIANT; // TIME_WAIT, orphaned FIN_WAIT_2
    Timer m_keep_timer LV_GUARDED_BY_GIANT; // keepalive: idle time, then probes
    u64 m_last_rcv_ns LV_GUARDED_BY_GIANT = 0; // when the peer was last heard from
    unsigned m_keep_probes LV_GUARDED_BY_GIANT = 0; // unanswered keepalive probes
    u64 m_rto LV_GUARDED_BY_GIANT = kTcpInitialRto;
    u64 m_srtt LV_GUARDED_BY_GIANT = 0, m_rttvar LV_GUARDED_BY_GIANT = 0; // 0: no sample yet
    bool m_rtt_timing LV_GUARDED_BY_GIANT = false;
    u32 m_rtt_seq LV_GUARDED_BY_GIANT = 0;
    u64 m_rtt_start LV_GUARDED_BY_GIANT = 0;
    unsigned m_retries LV_GUARDED_BY_GIANT = 0;
    bool m_persist LV_GUARDED_BY_GIANT = false; // the rtx timer is probing a zero window
    u32 m_cwnd LV_GUARDED_BY_GIANT = 0, m_ssthresh LV_GUARDED_BY_GIANT = 0xffffffff;
    unsigned m_dupacks LV_GUARDED_BY_GIANT = 0;

    // Options.
    bool m_nodelay LV_GUARDED_BY_GIANT = false, m_cork LV_GUARDED_BY_GIANT = false, m_quickack LV_GUARDED_BY_GIANT = true;
    bool m_more LV_GUARDED_BY_GIANT = false; // the send in progress has MSG_MORE: hold a partial segment
    int m_keepidle LV_GUARDED_BY_GIANT = 7200, m_keepintvl LV_GUARDED_BY_GIANT = 75, m_keepcnt LV_GUARDED_BY_GIANT = 9, m_syncnt LV_GUARDED_BY_GIANT = 0, m_linger2 LV_GUARDED_BY_GIANT = 0;
    u32 m_user_timeout LV_GUARDED_BY_GIANT = 0; // TCP_USER_TIMEOUT, ms: give up on unacknowledged data after it
    u32 m_window_clamp LV_GUARDED_BY_GIANT = 0, m_defer_accept LV_GUARDED_BY_GIANT = 0;
    u64 m_unacked_since_ns LV_GUARDED_BY_GIANT = 0; // when the oldest unacknowledged data was first retransmitted
    u64 fin_timeout() const LV_REQUIRES_GIANT; // how long an orphan waits in FIN_WAIT_2 (TCP_LINGER2)

    // Listening: connections in the handshake, and established ones not yet accepted.
    // Each queued child holds a reference (taken in listen_segment, given to accept).
    lv::ListNode m_child_node LV_GUARDED_BY_GIANT;
    TcpSocket* m_parent LV_GUARDED_BY_GIANT = nullptr; // the listener while queued on it
    lv::IntrusiveList<TcpSocket, &TcpSocket::m_child_node> m_syn_queue LV_GUARDED_BY_GIANT, m_accept_queue LV_GUARDED_BY_GIANT;
    u32 m_syn_count LV_GUARDED_BY_GIANT = 0, m_accept_count LV_GUARDED_BY_GIANT = 0;
    u32 m_backlog LV_GUARDED_BY_GIANT = 0;

    // The stack's own reference: while the connection lives on after close(), and while
    // a listener's queue holds it (accept() takes it over). done() gives it to the
    // reaper (reap_node), which drops it outside any member function of this socket.
    lv::RefPtr<TcpSocket> m_self LV_GUARDED_BY_GIANT;
    bool m_port_locked LV_GUARDED_BY_GIANT = false; // bind() chose the port: it stays bound after CLOSED
    kernel::Mutex m_tx_lock {"tcp tx"}, m_rx_lock {"tcp rx"}; // one sender / one reader copies at a time
};

// Sends a RST answering `seg`, for which there is no connection (RFC 793 "reset generation").
void tcp_send_reset_for(const TcpSegment& seg) LV_REQUIRES_GIANT;
// Drops references of connections that ended (done()): called by the net thread and
// by socket calls once they leave their interrupts-off section.
void tcp_reap() LV_REQUIRES_GIANT;
bool tcp_reap_pending() LV_REQUIRES_GIANT;
} // namespace net::inet
