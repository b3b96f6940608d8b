// AF_UNIX connections: connect (streams/seqpacket through a listener; datagrams just
// set a default peer), listen, accept.
#include <kernel/sync/giant.h>
#include <lib/own_ptr.h>
#include <net/unix/unix_socket.h>

namespace net::af_unix {
ErrorOr<void> UnixSocket::connect(const SockAddr& a, bool nonblock) {
    if (type == kSockDgram) return connect_dgram(a);
    return connect_stream(a, nonblock);
}

// unix_stream_connect: the server-side socket is made here, connected to this one, and
// queued on the listener for accept(). A full backlog blocks (or EAGAIN when
// non-blocking: AF_UNIX never answers EINPROGRESS).
ErrorOr<void> UnixSocket::connect_stream(const SockAddr& a, bool nonblock) {
    TRY(validate(a));
    if (opts.passcred && !m_addr) TRY(autobind());
    Timeout t = snd_timeout(nonblock);
    auto newsk = TRY(make_socket<UnixSocket>(type));
    newsk->m_embryo = true;
    lv::OwnPtr<Packet> entry(lv::make<Packet>());
    if (!entry) return Errno::ENOMEM;
    Ucred me = current_ucred(true);
    for (;;) {
        auto other = TRY(find_other(a, type));
        kernel::giant::Section g;
        if (other->m_dead) continue; // released since the lookup: look again
        if (other->m_state != State::Listening || (other->m_shutdown & kRcvShutdown)) return Errno::ECONNREFUSED;
        if (other->queue_full()) {
            if (!t.can_wait()) return Errno::EAGAIN;
            wait_for_room_on(*other);
            auto r = t.sleep(m_wait);
            stop_waiting_for_room();
            if (r.is_error()) return r.error();
            continue;
        }
        if (m_state != State::Closed) return m_state == State::Established ? Errno::EISCONN : Errno::EINVAL;
        newsk->m_peer = this;
        newsk->m_state = State::Established;
        newsk->m_peer_cred = me; // the accepting side sees who connected...
        newsk->m_has_peer_cred = true;
        newsk->m_addr = other->m_addr; // ...and is named like its listener
        m_peer_cred = other->m_peer_cred; // this side sees who listened
        m_has_peer_cred = other->m_has_peer_cred;
        m_state = State::Established;
        m_peer = newsk;
        entry->sender = lv::move(newsk);
        other->enqueue(*entry.leak());
        return {};
    }
}

// unix_dgram_connect: a default destination (and the only accepted source); AF_UNSPEC
// dissolves it. Changing peers drops what the old peer had sent.
ErrorOr<void> UnixSocket::connect_dgram(const SockAddr& a) {
    if (a.len < 2) return Errno::EINVAL;
    bool disconnect = a.family() == kAfUnspec;
    if (!disconnect) {
        TRY(validate(a));
        if (opts.passcred && !m_addr) TRY(autobind());
    }
    lv::RefPtr<UnixSocket> other, old;
    bool left = false; // left `old` for another peer (or none)
    for (;;) {
        if (!disconnect) other = TRY(find_other(a, type));
        kernel::giant::Section g;
        if (other) {
            if (other->m_dead) continue;
            // unix_may_send: a socket connected elsewhere takes nothing from us.
            if (other->m_peer && other->m_peer.get() != this) return Errno::EPERM;
            m_state = State::Established;
            other->m_state = State::Established;
        }
        old = lv::move(m_peer);
        m_peer = other;
        if (!other) m_state = State::Closed;
        if (old) {
            stop_waiting_for_room();
            m_wait.wake_all();
            if (old != other) {
                left = true;
                if (!old->m_peer) old->m_state = State::Closed;
            }
        }
        break;
    }
    if (left) dgram_disconnected(*old);
    return {};
}

ErrorOr<void> UnixSocket::listen(int backlog) {
    if (!connection_based()) return Errno::EOPNOTSUPP;
    if (!m_addr) return Errno::EINVAL; // no listening on an unbound socket
    Ucred me = current_ucred(true);
    kernel::giant::Section g;
    if (m_state != State::Closed && m_state != State::Listening) return Errno::EINVAL;
    if (u32(backlog) > m_backlog) wake_relays(); // blocked connectors may fit now
    m_backlog = u32(backlog);
    m_state = State::Listening;
    // connect() copies these to the client: SO_PEERCRED there names the listener.
    m_peer_cred = me;
    m_has_peer_cred = true;
    return {};
}

ErrorOr<lv::RefPtr<Socket>> UnixSocket::accept(bool nonblock) {
    if (!connection_based()) return Errno::EOPNOTSUPP;
    if (m_state != State::Listening) return Errno::EINVAL;
    Timeout t = rcv_timeout(nonblock); // skb_recv_datagram: SO_RCVTIMEO bounds accept()
    Packet* entry;
    {
        kernel::giant::Section g;
        for (;;) {
            if (Errno e = take_error(); e != Errno {}) return e;
            if ((entry = dequeue())) break;
            if (m_shutdown & kRcvShutdown) return Errno::EINVAL;
            TRY(t.sleep(m_wait));
        }
        wake_relays(); // room in the backlog
    }
    lv::RefPtr<UnixSocket> s = entry->sender;
    {
        kernel::giant::Section g;
        s->m_embryo = false;
        s->opts.passcred = opts.passcred; // unix_sock_inherit_flags
    }
    free_packet(entry);
    return lv::RefPtr<Socket>(lv::move(s));
}
} // namespace net::af_unix
