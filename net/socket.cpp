// The generic half of a socket: sockfs, the open file, read/write/poll/ioctl on it,
// timeouts and credentials.
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/time.h>
#include <net/inet/dev_ioctl.h>
#include <net/socket.h>

namespace net {
namespace {
constexpr u32 kSiocOutq = 0x5411;  // SIOCOUTQ (TIOCOUTQ): handled by the family
constexpr u32 kFioSetOwn = 0x8901, kSiocSpgrp = 0x8902, kFioGetOwn = 0x8903, kSiocGpgrp = 0x8904;
} // namespace

fs::FileSystem* sockfs() {
    static fs::FileSystem* fs = nullptr;
    if (!fs) {
        fs = lv::make<fs::FileSystem>();
        if (fs) {
            fs->dev = fs::FileSystem::allocate_dev();
            fs->magic = kSockfsMagic;
            fs->name = "sockfs";
        }
    }
    return fs;
}

Ucred current_ucred(bool effective) {
    auto& p = kernel::current_process();
    kernel::Credentials c = p.creds();
    if (effective) return {p.pid(), c.euid, c.egid};
    return {p.pid(), c.uid, c.gid};
}

// ---- Timeout
Timeout::Timeout(u64 timeout_ns) {
    if (timeout_ns == kForever) m_forever = true;
    else if (timeout_ns == 0) m_expired = true;
    else m_deadline = kernel::time::monotonic_ns() + timeout_ns;
}

ErrorOr<void> Timeout::sleep(kernel::WaitQueue& q) {
    if (m_expired) return Errno::EAGAIN;
    if (m_forever) return q.wait_interruptible();
    u64 now = kernel::time::monotonic_ns();
    if (now >= m_deadline) {
        m_expired = true;
        return Errno::EAGAIN;
    }
    auto r = q.wait_interruptible_for(m_deadline - now);
    if (!r.is_error()) return {};
    // signal(7): a wait with a timeout is not restarted after a handler, SA_RESTART or not.
    if (r.error() == Errno::EINTR) kernel::current_thread().own().syscall_eintr_final = true;
    // Out of time: the caller checks its condition once more, then gives up (Linux
    // loops back after schedule_timeout() returns 0 and only then says EAGAIN).
    if (r.error() == Errno::ETIMEDOUT) {
        m_expired = true;
        return {};
    }
    return r.error();
}

// ---- Socket
Socket::Socket(fs::FileSystem& fs, int d, int t, int p) : Inode(fs, fs::kIfsock | 0777), domain(d), type(t), protocol(p) {
    // The socket inode belongs to its creator (sock_alloc: current_fsuid/fsgid).
    kernel::Credentials c = kernel::current_process().creds();
    uid = c.fsuid;
    gid = c.fsgid;
}

Socket::~Socket() = default;

Errno Socket::take_error() {
    kernel::giant::Section g;
    Errno e = m_error;
    m_error = Errno {};
    return e;
}

ErrorOr<lv::RefPtr<fs::File>> open_socket_file(lv::RefPtr<Socket> s, u32 flags) {
    auto* raw = lv::make<fs::File>();
    if (!raw) return Errno::ENOMEM;
    auto file = lv::RefPtr<fs::File>::adopt(raw);
    // File::create refuses socket inodes (they cannot be opened by path); a socket's
    // file is made here, with no open hook to call.
    file->flags = fs::kORdWr | (flags & fs::kONonBlock);
    file->ops = s.get();
    s->m_file = raw;
    file->inode = lv::move(s);
    return file;
}

Socket* socket_of(fs::File& f) {
    if (f.is_path() || &f.inode->fs != sockfs()) return nullptr;
    return static_cast<Socket*>(f.inode.get());
}

void Socket::release(fs::File&) {
    m_file = nullptr;
    close();
}

// read(2)/write(2) on a socket are recv/send with no flags (sock_read_iter,
// sock_write_iter); an empty read returns 0 without looking at the socket.
// (readv/writev do not come here: syscalls/socket_msg.cpp makes the whole vector one
// message.)
ErrorOr<size_t> Socket::read(fs::File& f, u64, const fs::IoBuffer& buf, size_t n) {
    if (n == 0) return 0;
    RecvMsg m {MsgData(buf, n)};
    m.flags = f.nonblocking() ? kMsgDontWait : 0;
    return recvmsg(m);
}

ErrorOr<size_t> Socket::write(fs::File& f, u64, const fs::IoBuffer& buf, size_t n) {
    SendMsg m {MsgData(buf, n)};
    m.flags = f.nonblocking() ? kMsgDontWait : 0;
    if (type == kSockSeqpacket) m.flags |= kMsgEor;
    return sendmsg(m);
}

ErrorOr<long> Socket::ioctl(fs::File&, u32 request, u64 arg) {
    switch (request) {
    case kFioSetOwn:
    case kSiocSpgrp:
        // FIXME: SIGIO/SIGURG delivery to an owner is not implemented; refuse rather
        // than pretend (O_ASYNC on sockets does nothing yet either).
        return Errno::EINVAL;
    case kFioGetOwn:
    case kSiocGpgrp:
        TRY(UserPtr<int>(arg).write(0));
        return 0;
    case kSiocOutq:
    default: {
        auto r = family_ioctl(request, arg);
        // Interface requests (SIOCGIFCONF, SIOCGIFINDEX, ...) work on a socket of any
        // family: sock_do_ioctl hands what the family does not know to dev_ioctl.
        if (r.is_error() && r.error() == Errno::ENOTTY) return inet::interface_ioctl(request, arg);
        return r;
    }
    }
}

u32 Socket::poll(fs::File&, u32 events) {
    return poll_mask(events) & (events | fs::kPollErr | fs::kPollHup);
}
} // namespace net
