// AF_UNIX: creation, socketpair, release, shutdown, names of the ends, poll, queues.
#include <kernel/sync/giant.h>
#include <lib/string.h>
#include <net/unix/unix_socket.h>

namespace net::af_unix {
namespace {
constexpr u32 kSiocOutq = 0x5411; // SIOCOUTQ: bytes sent but not yet read by the peer
} // namespace

Packet::~Packet() { kfree(data); }

ErrorOr<lv::RefPtr<Socket>> UnixSocket::create(int type, int protocol) {
    if (protocol && protocol != kAfUnix) return Errno::EPROTONOSUPPORT;
    switch (type) {
    case kSockStream:
    case kSockDgram:
    case kSockSeqpacket:
        break;
    case kSockRaw:
        type = kSockDgram; // unix_create: "BSD has AF_UNIX, SOCK_RAW though nothing uses it"
        break;
    default:
        return Errno::ESOCKTNOSUPPORT;
    }
    auto s = TRY(make_socket<UnixSocket>(type));
    return lv::RefPtr<Socket>(lv::move(s));
}

UnixSocket::UnixSocket(fs::FileSystem& fs, int t) : Socket(fs, kAfUnix, t, 0) {
    kernel::giant::Section g;
    all_sockets().push_back(*this);
}

UnixSocket::~UnixSocket() {
    // Sockets that never had a file (a connection never accepted, a failed socketpair)
    // are released here, when the last reference goes.
    PacketList dead;
    {
        kernel::giant::Section g;
        if (!m_dead) release_locked(false, dead);
        if (m_all_node.linked()) all_sockets().remove(*this);
    }
    free_packets(dead);
}

ErrorOr<void> UnixSocket::pair(Socket& sa, Socket& sb) {
    auto& a = static_cast<UnixSocket&>(sa);
    auto& b = static_cast<UnixSocket&>(sb);
    Ucred cred = current_ucred(true);
    kernel::giant::Section g;
    a.m_peer = &b;
    b.m_peer = &a;
    a.m_peer_cred = b.m_peer_cred = cred;
    a.m_has_peer_cred = b.m_has_peer_cred = true;
    a.m_state = b.m_state = State::Established;
    return {};
}

void UnixSocket::close() {
    PacketList dead;
    lv::RefPtr<fs::Inode> path;
    {
        kernel::giant::Section g;
        release_locked(false, dead);
        path = lv::move(m_path_inode);
    }
    free_packets(dead);
    collect_garbage();
}

// unix_release_sock: leave the name table, cut the connection (a stream or seqpacket
// peer sees EOF, and ECONNRESET if data was left unread here or this connection was
// never accepted), and empty the queue — a listener's queue releases every pending
// connection, whose clients then see ECONNRESET.
void UnixSocket::release_locked(bool embryo, PacketList& dead) {
    unbind_locked();
    State old = m_state;
    m_dead = true;
    m_shutdown = kShutdownMask;
    m_state = State::Closed;
    m_wait.wake_all();
    wake_relays();
    stop_waiting_for_room();
    if (m_peer) {
        UnixSocket& p = *m_peer;
        if (connection_based()) {
            p.m_shutdown = kShutdownMask;
            if (!m_queue.empty() || embryo) p.set_error(Errno::ECONNRESET);
            p.m_wait.wake_all();
        }
        m_peer.clear(); // the peer may go now
    }
    while (Packet* pk = dequeue()) {
        if (old == State::Listening && pk->sender && !pk->sender->m_dead) pk->sender->release_locked(true, dead);
        dead.push_back(*pk);
    }
}

void UnixSocket::free_packet(Packet* p) {
    files_in_flight(p->files, -1);
    if (UnixSocket* s = p->sender.get()) {
        {
            kernel::giant::Section g;
            s->m_wmem -= p->charge;
        }
        s->m_wait.wake_all(); // sock_wfree: room to write again
    }
    lv::destroy(p);
}

void UnixSocket::free_packets(PacketList& list) {
    while (Packet* p = list.pop_front()) free_packet(p);
}

void UnixSocket::enqueue(Packet& p) {
    m_queue.push_back(p);
    m_queue_len++;
    m_wait.wake_all();
}

Packet* UnixSocket::dequeue() {
    Packet* p = m_queue.pop_front();
    if (p) m_queue_len--;
    return p;
}

void UnixSocket::unlink(Packet& p) {
    PacketList::remove(p);
    m_queue_len--;
}

bool UnixSocket::writable() const {
    // unix_writable: a quarter of SO_SNDBUF in flight at most, so a writer woken by
    // poll() can make progress.
    return m_state != State::Listening && m_wmem * 4 <= opts.sndbuf;
}

void UnixSocket::wait_for_room_on(UnixSocket& other) {
    if (m_relay_target == &other) return;
    stop_waiting_for_room();
    other.m_relay_waiters.push_back(*this);
    m_relay_target = &other;
}

void UnixSocket::stop_waiting_for_room() {
    if (!m_relay_target) return;
    decltype(m_relay_waiters)::remove(*this);
    m_relay_target = nullptr;
}

void UnixSocket::wake_relays() {
    while (UnixSocket* s = m_relay_waiters.pop_front()) {
        s->m_relay_target = nullptr;
        s->m_wait.wake_all();
    }
}

// unix_dgram_disconnected: a datagram socket leaving `old_peer` drops what that peer
// sent it; if the two were connected both ways, the old peer learns with ECONNRESET.
// The reader lock keeps the queue from changing under a reader peeking at a packet.
void UnixSocket::dgram_disconnected(UnixSocket& old_peer) {
    PacketList dead;
    {
        kernel::MutexLocker io(m_iolock);
        kernel::giant::Section g;
        if (m_queue.empty()) return;
        while (Packet* p = dequeue()) dead.push_back(*p);
        wake_relays();
        if (!old_peer.m_dead && old_peer.m_peer.get() == this) {
            old_peer.set_error(Errno::ECONNRESET);
            old_peer.m_wait.wake_all();
        }
    }
    free_packets(dead);
}

ErrorOr<void> UnixSocket::shutdown(int how) {
    if (how < kShutRd || how > kShutRdWr) return Errno::EINVAL;
    u32 mode = u32(how) + 1; // SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN, both
    kernel::giant::Section g;
    m_shutdown |= mode;
    m_wait.wake_all();
    wake_relays();
    if (m_peer && connection_based()) {
        UnixSocket& p = *m_peer;
        if (mode & kRcvShutdown) p.m_shutdown |= kSendShutdown;
        if (mode & kSendShutdown) p.m_shutdown |= kRcvShutdown;
        p.m_wait.wake_all();
        p.wake_relays();
    }
    return {};
}

ErrorOr<void> UnixSocket::getname(SockAddr& out, bool peer) {
    lv::RefPtr<UnixAddress> addr;
    {
        kernel::giant::Section g;
        if (peer) {
            if (!m_peer) return Errno::ENOTCONN;
            addr = m_peer->m_addr;
        } else {
            addr = m_addr;
        }
    }
    if (!addr) {
        // Unnamed: just the family (length offsetof(struct sockaddr_un, sun_path)).
        memset(out.bytes, 0, 3);
        out.bytes[0] = u8(kAfUnix);
        out.len = 2;
        return {};
    }
    memcpy(out.bytes, addr->bytes, addr->len);
    out.len = addr->len;
    return {};
}

Ucred UnixSocket::peer_cred() {
    kernel::giant::Section g;
    if (!m_has_peer_cred) return Socket::peer_cred();
    return m_peer_cred;
}

// unix_poll (streams) and unix_dgram_poll (datagrams, seqpacket).
u32 UnixSocket::poll_mask(u32 requested) {
    constexpr u32 kIn = fs::kPollIn | fs::kPollRdNorm, kOut = fs::kPollOut | fs::kPollWrNorm | kPollWrBand;
    kernel::giant::Section g;
    u32 mask = 0;
    if (has_error()) mask |= fs::kPollErr;
    if (m_shutdown == kShutdownMask) mask |= fs::kPollHup;
    if (m_shutdown & kRcvShutdown) mask |= kPollRdHup | kIn;
    if (!m_queue.empty()) mask |= kIn;
    if (type == kSockStream) {
        // Unconnected (or closed) connection-based sockets report a hangup; "we set
        // writable also when the other side has shut down the connection".
        if (m_state == State::Closed) mask |= fs::kPollHup;
        if (writable()) mask |= kOut;
        return mask;
    }
    if (type == kSockSeqpacket && m_state == State::Closed) mask |= fs::kPollHup;
    if (!(requested & kOut)) return mask;
    bool w = writable();
    // A datagram peer that is not connected back to us and whose queue is full: not
    // writable until it reads; its reads wake us through the relay.
    if (w && m_peer && m_peer->m_peer.get() != this && m_peer->queue_full() && !m_peer->m_dead) {
        wait_for_room_on(*m_peer);
        w = false;
    }
    if (w) mask |= kOut;
    return mask;
}

ErrorOr<size_t> UnixSocket::unread_bytes() {
    kernel::giant::Section g;
    if (m_state == State::Listening) return Errno::EINVAL;
    if (type == kSockDgram) return m_queue.empty() ? 0 : m_queue.first()->len;
    size_t n = 0;
    for (Packet& p : m_queue) n += p.unread();
    return n;
}

ErrorOr<long> UnixSocket::family_ioctl(u32 request, u64 arg) {
    if (request != kSiocOutq) return Errno::ENOTTY;
    size_t n;
    {
        kernel::giant::Section g;
        n = m_wmem;
    }
    TRY(UserPtr<int>(arg).write(int(min<size_t>(n, 0x7fffffff))));
    return 0;
}
} // namespace net::af_unix
