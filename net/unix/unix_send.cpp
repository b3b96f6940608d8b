// AF_UNIX sending: streams (unix_stream_sendmsg), datagrams (unix_dgram_sendmsg) and
// seqpacket (datagrams on a connection).
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/time.h>
#include <net/unix/unix_socket.h>

namespace net::af_unix {
namespace {
// What a packet costs its sender beyond its data, standing in for Linux's sk_buff
// overhead in the truesize that SO_SNDBUF limits.
constexpr size_t kPacketOverhead = 512;
// A stream write is cut into packets of at most this much (Linux: a page of head
// and 32 KiB of fragments).
constexpr size_t kMaxStreamChunk = 32768;

void raise_sigpipe(u32 flags) {
    if (!(flags & kMsgNoSignal)) kernel::send_signal(kernel::current_thread(), kernel::SIGPIPE);
}
} // namespace

// sock_alloc_send_pskb: waits while the socket has SO_SNDBUF or more in flight; a
// pending error or SHUT_WR ends the wait.
ErrorOr<Packet*> UnixSocket::alloc_packet(size_t len, Timeout& t) {
    size_t charge = len + kPacketOverhead;
    {
        kernel::giant::Section g;
        for (;;) {
            if (Errno e = take_error(); e != Errno {}) return e;
            if (m_shutdown & kSendShutdown) return Errno::EPIPE;
            if (m_wmem < opts.sndbuf) break;
            TRY(t.sleep(m_wait));
        }
        m_wmem += charge;
    }
    auto* p = lv::make<Packet>();
    u8* data = len ? static_cast<u8*>(kmalloc(len)) : nullptr;
    if (!p || (len && !data)) {
        kfree(data);
        lv::destroy(p);
        kernel::giant::Section g;
        m_wmem -= charge;
        return Errno::ENOBUFS;
    }
    p->sender = this;
    p->len = len;
    p->charge = charge;
    p->data = data;
    return p;
}

// unix_scm_to_skb: explicit credentials go on every packet, files only on one.
ErrorOr<void> UnixSocket::attach_scm(Packet& p, Scm& scm, bool with_files) {
    if (scm.has_creds) {
        p.has_creds = true;
        p.creds = scm.creds;
    }
    if (!with_files || scm.files.empty()) return {};
    collect_garbage_if_many();
    // too_many_unix_fds: an unprivileged sender may have RLIMIT_NOFILE files in flight.
    auto& proc = kernel::current_process();
    if (!kernel::capable(proc) && in_flight_total() > proc.rlimit_cur(kernel::kRlimitNofile)) return Errno::ETOOMANYREFS;
    p.files = lv::move(scm.files);
    files_in_flight(p.files, +1);
    return {};
}

// maybe_add_creds: the sender's credentials when either end asked for them (or the
// receiver is a connection not yet accepted, which may ask later).
void UnixSocket::maybe_add_creds(Packet& p, const UnixSocket& other) const {
    if (p.has_creds) return;
    if (!opts.passcred && !other.opts.passcred && !other.m_embryo) return;
    p.creds = current_ucred(false);
    p.has_creds = true;
}

ErrorOr<size_t> UnixSocket::sendmsg(SendMsg& m) {
    if (type == kSockStream) return send_stream(m);
    if (type == kSockSeqpacket) {
        if (Errno e = take_error(); e != Errno {}) return e;
        if (m_state != State::Established) return Errno::ENOTCONN;
        m.name = nullptr; // the connection decides; any address is ignored
    }
    return send_dgram(m);
}

ErrorOr<size_t> UnixSocket::send_stream(SendMsg& m) {
    // FIXME: MSG_OOB (Linux's CONFIG_AF_UNIX_OOB) is not implemented.
    if (m.flags & kMsgOob) return Errno::EOPNOTSUPP;
    lv::RefPtr<UnixSocket> other;
    {
        kernel::giant::Section g;
        if (m.name) return m_state == State::Established ? Errno::EISCONN : Errno::EOPNOTSUPP;
        other = m_peer;
        if (other && (m_shutdown & kSendShutdown)) {
            raise_sigpipe(m.flags);
            return Errno::EPIPE;
        }
    }
    if (!other) return Errno::ENOTCONN;
    Timeout t = snd_timeout(m.flags & kMsgDontWait);
    size_t len = m.data.size(), sent = 0;
    bool files_sent = false;
    // Nothing is sent for zero bytes, not even ancillary data (as in Linux).
    while (sent < len) {
        size_t size = min(min(len - sent, kMaxStreamChunk), size_t(opts.sndbuf / 2 - 64));
        auto pr = alloc_packet(size, t);
        if (pr.is_error()) return sent ? ErrorOr<size_t>(sent) : pr.error();
        Packet* p = pr.value();
        auto r = attach_scm(*p, m.scm, !files_sent);
        if (!r.is_error()) r = m.data.copy_in(sent, p->data, size);
        if (r.is_error()) {
            free_packet(p);
            return sent ? ErrorOr<size_t>(sent) : r.error();
        }
        files_sent = true;
        bool broken;
        {
            kernel::giant::Section g;
            broken = other->m_dead || (other->m_shutdown & kRcvShutdown);
            if (!broken) {
                maybe_add_creds(*p, *other);
                other->enqueue(*p);
            }
        }
        if (broken) {
            free_packet(p);
            if (!sent) raise_sigpipe(m.flags);
            return sent ? ErrorOr<size_t>(sent) : Errno::EPIPE;
        }
        sent += size;
    }
    return sent;
}

ErrorOr<size_t> UnixSocket::send_dgram(SendMsg& m) {
    if (m.flags & kMsgOob) return Errno::EOPNOTSUPP;
    lv::RefPtr<UnixSocket> other;
    if (m.name) {
        TRY(validate(*m.name));
    } else {
        kernel::giant::Section g;
        other = m_peer;
        if (!other) return Errno::ENOTCONN;
    }
    if (opts.passcred && !m_addr) TRY(autobind());
    size_t len = m.data.size();
    if (len + 32 > opts.sndbuf) return Errno::EMSGSIZE;
    Timeout t = snd_timeout(m.flags & kMsgDontWait);
    Packet* p = TRY(alloc_packet(len, t));
    auto r = attach_scm(*p, m.scm, true);
    if (!r.is_error()) r = m.data.copy_in(0, p->data, len);
    if (r.is_error()) {
        free_packet(p);
        return r.error();
    }
    lv::RefPtr<UnixSocket> gone; // our connected peer, found dead
    Errno err {};
    for (;;) {
        if (!other) {
            if (!m.name) {
                err = Errno::ECONNRESET;
                break;
            }
            auto o = find_other(*m.name, type);
            if (o.is_error()) {
                err = o.error();
                break;
            }
            other = o.release_value();
        }
        kernel::giant::Section g;
        if (other->m_peer && other->m_peer.get() != this) { // unix_may_send
            err = Errno::EPERM;
            break;
        }
        if (other->m_dead) {
            if (type == kSockSeqpacket) {
                err = Errno::EPIPE;
                break;
            }
            if (m_peer == other) {
                // Our connected peer is gone: disconnect and say so once.
                m_peer.clear();
                stop_waiting_for_room();
                m_state = State::Closed;
                gone = other;
                err = Errno::ECONNREFUSED;
                break;
            }
            other.clear();
            continue; // sent by name: look the name up again
        }
        if (other->m_shutdown & kRcvShutdown) {
            err = Errno::EPIPE;
            break;
        }
        // A receiver not connected back to us takes at most max_dgram_qlen messages.
        if (other.get() != this && other->m_peer.get() != this && other->queue_full()) {
            if (!t.can_wait()) {
                if (m_peer == other) wait_for_room_on(*other); // so poll() hears of room
                err = Errno::EAGAIN;
                break;
            }
            wait_for_room_on(*other);
            auto s = t.sleep(m_wait);
            stop_waiting_for_room();
            if (s.is_error()) {
                err = s.error();
                break;
            }
            continue;
        }
        maybe_add_creds(*p, *other);
        if (other->opts.timestamp) {
            p->stamp = kernel::time::realtime_now();
            p->stamped = true;
        }
        other->enqueue(*p);
        p = nullptr;
        break;
    }
    if (p) free_packet(p);
    if (gone) dgram_disconnected(*gone);
    if (err != Errno {}) return err;
    return len;
}
} // namespace net::af_unix
