#include <kernel/sync/giant.h>
#include <net/inet/datagram.h>
#include <net/inet/ipv4.h>
#include <net/inet/netd.h>

namespace net::inet {
namespace {
// What a queued datagram costs against SO_RCVBUF besides its payload (Linux counts the
// skb's truesize), so that a flood of empty datagrams is bounded too.
constexpr size_t kPacketOverhead = 256;
} // namespace

DatagramSocket::~DatagramSocket() { drain(m_queue); }

void DatagramSocket::set_fragmentation(Ipv4Send& s) const {
    constexpr u8 kDont = 0, kDo = 2, kProbe = 3;
    s.dont_fragment = pmtudisc != kDont;
    s.may_fragment = pmtudisc != kDo && pmtudisc != kProbe;
}

void DatagramSocket::release_queue() {
    kernel::giant::Section g;
    drain(m_queue);
    m_queued_bytes = 0;
    m_shutdown = kRcvShutdown | kSendShutdown;
    m_wait.wake_all();
}

void DatagramSocket::deliver(lv::OwnPtr<Packet> p) {
    size_t cost = p->length() + kPacketOverhead;
    if (m_shutdown & kRcvShutdown || m_queued_bytes + cost > opts.rcvbuf) return;
    m_queued_bytes += cost;
    m_queue.push_back(*p.leak());
    m_wait.wake_all(fs::kPollIn | fs::kPollRdNorm);
}

ErrorOr<void> DatagramSocket::shutdown(int how) {
    if (how < kShutRd || how > kShutRdWr) return Errno::EINVAL;
    kernel::giant::Section g;
    // inet_shutdown: an unconnected socket still records the shutdown (and wakes
    // pollers), but reports ENOTCONN.
    m_shutdown |= u32(how) + 1;
    m_wait.wake_all();
    if (!m_connected) return Errno::ENOTCONN;
    return {};
}

ErrorOr<size_t> DatagramSocket::recvmsg(RecvMsg& m) {
    BacklogFlush flush;
    // FIXME: no error queue (IP_RECVERR messages): MSG_ERRQUEUE finds nothing.
    if (m.flags & kMsgErrQueue) return Errno::EAGAIN;
    bool peek = m.flags & kMsgPeek;
    kernel::MutexLocker lock(m_rx_lock);
    Timeout t = rcv_timeout(m.flags & kMsgDontWait);
    lv::OwnPtr<Packet> owned;
    Packet* pkt = nullptr;
    {
        kernel::giant::Section g;
        for (;;) {
            if (has_error()) return take_error();
            if (!m_queue.empty()) {
                pkt = m_queue.first();
                if (!peek) {
                    m_queue.remove(*pkt);
                    m_queued_bytes -= pkt->length() + kPacketOverhead;
                    owned = lv::OwnPtr<Packet>(pkt);
                }
                break;
            }
            if (m_shutdown & kRcvShutdown) return size_t(0);
            TRY(t.sleep(m_wait));
        }
    }
    // A peeked packet stays queued: m_rx_lock keeps other readers from taking it, and
    // only close() (no reader left then) frees the queue.
    size_t len = pkt->length();
    size_t n = min(len, m.data.size());
    TRY(m.data.copy_out(0, pkt->data(), n));
    if (n < len) m.out_flags |= kMsgTrunc;
    if (m.want_name) make_sockaddr(m.name, {pkt->src_ip, pkt->src_port});
    return (m.flags & kMsgTrunc) ? len : n;
}

u32 DatagramSocket::poll_mask(u32) {
    constexpr u32 kIn = fs::kPollIn | fs::kPollRdNorm;
    kernel::giant::Section g;
    u32 mask = fs::kPollOut | fs::kPollWrNorm | kPollWrBand; // no send queue: always writable
    if (has_error()) mask |= fs::kPollErr;
    if (m_shutdown & kRcvShutdown) mask |= kPollRdHup | kIn;
    if (m_shutdown == (kRcvShutdown | kSendShutdown)) mask |= fs::kPollHup;
    if (!m_queue.empty()) mask |= kIn;
    return mask;
}

ErrorOr<size_t> DatagramSocket::unread_bytes() {
    // SIOCINQ on a datagram socket: the size of the next datagram, not the whole queue.
    kernel::giant::Section g;
    return m_queue.empty() ? size_t(0) : m_queue.first()->length();
}
} // namespace net::inet
