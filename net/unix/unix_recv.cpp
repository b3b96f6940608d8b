// AF_UNIX receiving: streams (unix_stream_read_generic) and datagrams/seqpacket
// (__unix_dgram_recvmsg). m_iolock serializes readers while they copy out; it is let go
// while a reader sleeps.
#include <kernel/sync/giant.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <net/unix/unix_socket.h>

namespace net::af_unix {
namespace {
bool same_creds(const Packet& p, const Scm& scm) {
    if (p.has_creds != scm.has_creds) return false;
    return !p.has_creds || (p.creds.pid == scm.creds.pid && p.creds.uid == scm.creds.uid && p.creds.gid == scm.creds.gid);
}

// Adds references to the files of a peeked packet (Linux "clones" them: a peek
// returns them, and so will the read that follows).
void copy_files(const Packet& p, Scm& scm) {
    for (const auto& f : p.files)
        if (!scm.files.try_append(f)) break; // FIXME: out of memory drops the rest silently
}
} // namespace

// The source address of a message: the sender's name, if it has one (unix_copy_addr).
void UnixSocket::copy_name(const UnixSocket& from, RecvMsg& m) {
    if (!m.want_name) return;
    lv::RefPtr<UnixAddress> addr;
    {
        kernel::giant::Section g;
        addr = from.m_addr;
    }
    if (!addr) return;
    memcpy(m.name.bytes, addr->bytes, addr->len);
    m.name.len = addr->len;
}

ErrorOr<size_t> UnixSocket::recvmsg(RecvMsg& m) {
    switch (type) {
    case kSockStream:
        return recv_stream(m);
    case kSockSeqpacket:
        if (m_state != State::Established) return Errno::ENOTCONN;
        return recv_dgram(m);
    default:
        return recv_dgram(m);
    }
}

ErrorOr<size_t> UnixSocket::recv_dgram(RecvMsg& m) {
    if (m.flags & kMsgOob) return Errno::EOPNOTSUPP;
    bool peek = m.flags & kMsgPeek;
    Timeout t = rcv_timeout(m.flags & kMsgDontWait);
    kernel::MutexLocker io(m_iolock);
    Packet* p = nullptr;
    {
        kernel::giant::Section g;
        for (;;) {
            // __skb_try_recv_datagram: a pending error comes before queued data.
            if (Errno e = take_error(); e != Errno {}) return e;
            if (!m_queue.empty()) {
                p = peek ? m_queue.first() : dequeue();
                break;
            }
            if (!t.can_wait()) {
                // A non-blocking read of a shut down seqpacket socket is EOF, of a
                // datagram socket EAGAIN.
                if (type == kSockSeqpacket && (m_shutdown & kRcvShutdown)) return 0;
                return Errno::EAGAIN;
            }
            if (m_shutdown & kRcvShutdown) return 0;
            if (connection_based() && m_state != State::Established) return Errno::ENOTCONN;
            m_iolock.unlock();
            auto r = t.sleep(m_wait);
            m_iolock.lock();
            if (r.is_error()) return r.error();
        }
        if (!peek) wake_relays(); // room for writers waiting on our queue length
    }
    copy_name(*p->sender, m);
    size_t size = min(m.data.size(), p->len);
    if (size < p->len) m.out_flags |= kMsgTrunc;
    auto r = m.data.copy_out(0, p->data, size);
    if (r.is_error()) {
        if (!peek) free_packet(p); // Linux loses the datagram too
        return r.error();
    }
    m.scm.has_creds = p->has_creds;
    m.scm.creds = p->creds;
    if (opts.timestamp) {
        // Queued before SO_TIMESTAMP was set: stamped now (__sock_recv_timestamp).
        m.stamped = true;
        m.stamp = p->stamped ? p->stamp : kernel::time::realtime_now();
    }
    size_t ret = (m.flags & kMsgTrunc) ? p->len : size;
    if (peek) {
        copy_files(*p, m.scm);
    } else {
        files_in_flight(p->files, -1);
        m.scm.files = lv::move(p->files);
        free_packet(p);
    }
    return ret;
}

ErrorOr<size_t> UnixSocket::recv_stream(RecvMsg& m) {
    if (m_state != State::Established) return Errno::EINVAL;
    if (m.flags & kMsgOob) return Errno::EOPNOTSUPP; // FIXME: no MSG_OOB yet
    bool peek = m.flags & kMsgPeek;
    size_t size = m.data.size();
    if (size == 0) return 0;
    // sock_rcvlowat: MSG_WAITALL waits for everything, otherwise SO_RCVLOWAT bytes.
    size_t target = (m.flags & kMsgWaitAll) ? size : min(size_t(opts.rcvlowat), size);
    Timeout t = rcv_timeout(m.flags & kMsgDontWait);
    size_t copied = 0;
    Errno err {};
    bool check_creds = false, named = false;
    Packet* last_peeked = nullptr;
    kernel::MutexLocker io(m_iolock);
    while (size) {
        Packet* p;
        {
            kernel::giant::Section g;
            p = last_peeked ? m_queue.next(*last_peeked) : m_queue.first();
            if (!p) {
                // A peek returns what is there once it has something.
                if (last_peeked || copied >= target) break;
                // POSIX 1003.1g order: the error, then EOF, then wait.
                if (Errno e = take_error(); e != Errno {}) {
                    err = e;
                    break;
                }
                if (m_shutdown & kRcvShutdown) break;
                if (!t.can_wait()) {
                    err = Errno::EAGAIN;
                    break;
                }
                m_iolock.unlock();
                auto r = t.sleep(m_wait);
                m_iolock.lock();
                if (r.is_error()) {
                    err = r.error();
                    break;
                }
                continue;
            }
        }
        // Never glue data from different writers when credentials are asked for.
        if (check_creds) {
            if (!same_creds(*p, m.scm)) break;
        } else if (opts.passcred) {
            m.scm.has_creds = p->has_creds;
            m.scm.creds = p->creds;
            check_creds = true;
        }
        if (!named) {
            copy_name(*p->sender, m);
            named = true;
        }
        size_t chunk = min(p->unread(), size);
        if (auto r = m.data.copy_out(copied, p->data + p->consumed, chunk); r.is_error()) {
            if (!copied) err = r.error();
            break;
        }
        copied += chunk;
        size -= chunk;
        if (peek) {
            if (!p->files.empty()) {
                copy_files(*p, m.scm);
                break;
            }
            last_peeked = p;
            continue;
        }
        bool done;
        {
            kernel::giant::Section g;
            p->consumed += chunk;
            done = p->unread() == 0;
            if (done) unlink(*p);
        }
        if (!p->files.empty()) {
            // The files come with the first bytes read of their packet, and end the read.
            files_in_flight(p->files, -1);
            m.scm.files = lv::move(p->files);
        }
        if (!done) break;
        free_packet(p);
        if (!m.scm.files.empty()) break;
    }
    if (copied) return copied;
    if (err != Errno {}) return err;
    return size_t(0);
}
} // namespace net::af_unix
