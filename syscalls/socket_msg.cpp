// sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg: struct msghdr in and out of
// user memory (net/socket.c's ____sys_sendmsg/____sys_recvmsg), the family does the rest.
#include <kernel/time.h>
#include <lib/string.h>
#include <net/scm.h>
#include <syscalls/fs_util.h>
#include <syscalls/socket.h>
#include <syscalls/socket_util.h>

using namespace net;

namespace {
constexpr size_t kMaxRw = 0x7ffff000;       // MAX_RW_COUNT
constexpr u64 kUioMaxIov = 1024;            // UIO_MAXIOV
constexpr u64 kOptmemMax = 131072;          // net.core.optmem_max: control buffer limit
constexpr u32 kMsgCmsgCompat = 0x80000000;  // only 32-bit callers may pass it

// struct user_msghdr on 64-bit Linux.
struct UserMsghdr {
    u64 name;
    i32 namelen;
    u32 pad0;
    u64 iov;
    u64 iovlen;
    u64 control;
    u64 controllen;
    u32 flags;
    u32 pad1;
};
static_assert(sizeof(UserMsghdr) == 56);
constexpr u64 kNamelenOffset = 8, kControllenOffset = 40, kFlagsOffset = 48;
constexpr u64 kMmsgSize = 64, kMsgLenOffset = 56; // struct mmsghdr { msghdr; unsigned msg_len; }

// A user iovec array copied in (import_iovec): EMSGSIZE past UIO_MAXIOV, EINVAL for a
// negative length, EFAULT for a range outside user space; the total is capped at
// MAX_RW_COUNT by shortening the segments past it.
class IoVector {
public:
    IoVector() = default;
    IoVector(const IoVector&) = delete;
    IoVector& operator=(const IoVector&) = delete;
    ~IoVector() { kfree(m_segs); }

    ErrorOr<void> import(u64 uiov, u64 count) {
        if (count > kUioMaxIov) return Errno::EMSGSIZE;
        m_segs = static_cast<IoSeg*>(kmalloc(count ? count * sizeof(IoSeg) : 1));
        if (!m_segs) return Errno::ENOMEM;
        TRY(UserPtr<IoSeg>(uiov).read_array(m_segs, count));
        m_count = count;
        for (size_t i = 0; i < count; i++) {
            if (i64(m_segs[i].len) < 0) return Errno::EINVAL;
            if (!mm::user_range_ok(m_segs[i].base, m_segs[i].len)) return Errno::EFAULT;
            m_segs[i].len = min<u64>(m_segs[i].len, kMaxRw - m_total);
            m_total += m_segs[i].len;
        }
        return {};
    }
    MsgData data() const { return MsgData(m_segs, m_count, m_total); }
    size_t total() const { return m_total; }

private:
    IoSeg* m_segs = nullptr;
    size_t m_count = 0;
    size_t m_total = 0;
};

ErrorOr<void> user_buffer_ok(u64 p, size_t len) {
    return mm::user_range_ok(p, len) ? ErrorOr<void>() : Errno::EFAULT;
}

// ___sys_sendmsg for one message.
ErrorOr<size_t> send_one(Socket& s, fs::File& f, u64 umsg, u32 flags) LV_REQUIRES_GIANT {
    auto h = TRY(UserPtr<UserMsghdr>(umsg).read());
    SockAddr name;
    bool has_name = false;
    if (h.name) {
        if (h.namelen < 0) return Errno::EINVAL;
        int len = min(h.namelen, int(SockAddr::kMax)); // longer names are cut, not refused
        if (len) {
            TRY(sc::addr_from_user(UserPtr<const u8>(h.name), len, name));
            has_name = true;
        }
    }
    IoVector iov;
    TRY(iov.import(h.iov, h.iovlen));
    SendMsg m {iov.data()};
    if (h.controllen > 0x7fffffff) return Errno::ENOBUFS;
    if (h.controllen) {
        if (h.controllen > kOptmemMax) return Errno::ENOBUFS;
        auto* ctl = static_cast<u8*>(kmalloc(h.controllen));
        if (!ctl) return Errno::ENOBUFS;
        auto r = mm::copy_from_user(ctl, h.control, h.controllen);
        if (!r.is_error()) r = parse_control(s, ctl, h.controllen, m.scm);
        kfree(ctl);
        TRY(r);
    }
    m.name = has_name ? &name : nullptr;
    m.flags = flags | (f.nonblocking() ? kMsgDontWait : 0);
    return s.sendmsg(m);
}

// ____sys_recvmsg for one message: the name, msg_flags and the used msg_controllen go
// back into the user's msghdr.
ErrorOr<size_t> recv_one(Socket& s, fs::File& f, u64 umsg, u32 flags) LV_REQUIRES_GIANT {
    auto h = TRY(UserPtr<UserMsghdr>(umsg).read());
    if (h.name && h.namelen < 0) return Errno::EINVAL;
    IoVector iov;
    TRY(iov.import(h.iov, h.iovlen));
    RecvMsg m {iov.data()};
    m.want_name = h.name != 0;
    m.flags = flags | (f.nonblocking() ? kMsgDontWait : 0);
    size_t n = TRY(s.recvmsg(m));
    ControlWriter ctl(h.control, h.controllen);
    ctl.deliver(s, m, flags & kMsgCmsgCloexec, fs::sc::fd_limit());
    // Linux leaves MSG_CMSG_CLOEXEC, when asked for, in msg_flags.
    u32 out = m.out_flags | (flags & kMsgCmsgCloexec) | (ctl.truncated() ? kMsgCtrunc : 0);
    if (h.name) TRY(sc::addr_to_user(m.name, UserPtr<u8>(h.name), UserPtr<int>(umsg + kNamelenOffset)));
    TRY(UserPtr<u32>(umsg + kFlagsOffset).write(out));
    TRY(UserPtr<u64>(umsg + kControllenOffset).write(u64(ctl.used())));
    return n;
}
} // namespace

bool is_socket(fs::File& f) { return socket_of(f) != nullptr; }

ErrorOr<long> socket_readv(fs::File& f, UserPtr<const void> uiov, unsigned long vlen) {
    kernel::giant::assert_held(); // readv/writev take it for a socket (fs_read_write.cpp: giant_for)
    if (vlen > kUioMaxIov) return Errno::EINVAL; // readv(2), unlike recvmsg's EMSGSIZE
    IoVector iov;
    TRY(iov.import(uiov.addr(), vlen));
    if (iov.total() == 0) return 0; // sock_read_iter: nothing asked, nothing read
    RecvMsg m {iov.data()};
    m.flags = f.nonblocking() ? kMsgDontWait : 0;
    return long(TRY(socket_of(f)->recvmsg(m)));
}

ErrorOr<long> socket_writev(fs::File& f, UserPtr<const void> uiov, unsigned long vlen) {
    kernel::giant::assert_held(); // readv/writev take it for a socket (fs_read_write.cpp: giant_for)
    if (vlen > kUioMaxIov) return Errno::EINVAL;
    IoVector iov;
    TRY(iov.import(uiov.addr(), vlen));
    Socket* s = socket_of(f);
    SendMsg m {iov.data()};
    m.flags = f.nonblocking() ? kMsgDontWait : 0;
    if (s->type == kSockSeqpacket) m.flags |= kMsgEor;
    return long(TRY(s->sendmsg(m)));
}

ErrorOr<long> sys_sendto(int fd, UserPtr<const u8> buf, size_t len, unsigned flags, UserPtr<const u8> addr,
                         int addrlen) {
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    len = min(len, kMaxRw);
    TRY(user_buffer_ok(buf.addr(), len));
    SockAddr name;
    if (!addr.is_null()) TRY(sc::addr_from_user(addr, addrlen, name));
    SendMsg m {MsgData(fs::IoBuffer::user(buf.addr()), len)};
    m.name = name.len ? &name : nullptr;
    m.flags = flags | (hold->nonblocking() ? kMsgDontWait : 0);
    return long(TRY(s->sendmsg(m)));
}

ErrorOr<long> sys_recvfrom(int fd, UserPtr<u8> buf, size_t len, unsigned flags, UserPtr<u8> addr,
                           UserPtr<int> addrlen) {
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    len = min(len, kMaxRw);
    TRY(user_buffer_ok(buf.addr(), len));
    RecvMsg m {MsgData(fs::IoBuffer::user(buf.addr()), len)};
    m.want_name = !addr.is_null();
    m.flags = flags | (hold->nonblocking() ? kMsgDontWait : 0);
    size_t n = TRY(s->recvmsg(m));
    // No control buffer: files that came along are closed (scm_recv).
    if (!addr.is_null()) TRY(sc::addr_to_user(m.name, addr, addrlen));
    return long(n);
}

ErrorOr<long> sys_sendmsg(int fd, UserPtr<void> msg, unsigned flags) {
    if (flags & kMsgCmsgCompat) return Errno::EINVAL;
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    return long(TRY(send_one(*s, *hold, msg.addr(), flags)));
}

ErrorOr<long> sys_recvmsg(int fd, UserPtr<void> msg, unsigned flags) {
    if (flags & kMsgCmsgCompat) return Errno::EINVAL;
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    return long(TRY(recv_one(*s, *hold, msg.addr(), flags)));
}

ErrorOr<long> sys_sendmmsg(int fd, UserPtr<void> msgvec, unsigned vlen, unsigned flags) {
    if (flags & kMsgCmsgCompat) return Errno::EINVAL;
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    vlen = u32(min<u64>(vlen, kUioMaxIov));
    long sent = 0;
    Errno err {};
    for (; u32(sent) < vlen; sent++) {
        u64 entry = msgvec.addr() + u64(sent) * kMmsgSize;
        auto r = send_one(*s, *hold, entry, flags);
        if (r.is_error()) {
            err = r.error();
            break;
        }
        if (auto w = UserPtr<u32>(entry + kMsgLenOffset).write(u32(r.value())); w.is_error()) {
            err = w.error();
            break;
        }
    }
    if (sent) return sent;
    return err;
}

ErrorOr<long> sys_recvmmsg(int fd, UserPtr<void> msgvec, unsigned vlen, unsigned flags, UserPtr<const void> timeout) {
    if (flags & kMsgCmsgCompat) return Errno::EINVAL;
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    struct Timespec {
        i64 sec, nsec;
    };
    u64 end = 0;
    if (!timeout.is_null()) {
        auto ts = TRY(UserPtr<Timespec>(timeout.addr()).read());
        if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000) return Errno::EINVAL;
        end = kernel::time::monotonic_ns() + u64(ts.sec) * kernel::time::kNsPerSec + u64(ts.nsec);
    }
    vlen = u32(min<u64>(vlen, kUioMaxIov));
    long got = 0;
    Errno err {};
    // As Linux: the timeout is looked at between messages only (recvmmsg(2) BUGS).
    while (u32(got) < vlen) {
        u64 entry = msgvec.addr() + u64(got) * kMmsgSize;
        auto r = recv_one(*s, *hold, entry, flags);
        if (r.is_error()) {
            err = r.error();
            break;
        }
        if (auto w = UserPtr<u32>(entry + kMsgLenOffset).write(u32(r.value())); w.is_error()) {
            err = w.error();
            break;
        }
        got++;
        if (flags & kMsgWaitForOne) flags |= kMsgDontWait;
        if (end && kernel::time::monotonic_ns() >= end) break;
    }
    if (!timeout.is_null()) {
        u64 now = kernel::time::monotonic_ns();
        u64 left = now < end ? end - now : 0;
        Timespec rest {i64(left / kernel::time::kNsPerSec), i64(left % kernel::time::kNsPerSec)};
        if (UserPtr<Timespec>(timeout.addr()).write(rest).is_error()) return Errno::EFAULT;
    }
    if (err == Errno {}) return got;
    if (got == 0) return err;
    // Messages were received before the error: report them now, the error on the next
    // call through SO_ERROR (unless it was just "no more").
    if (err != Errno::EAGAIN) s->set_error(err);
    return got;
}
