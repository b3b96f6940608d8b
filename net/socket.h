// The socket layer. A Socket is both the inode of sockfs and the FileOps of the open
// file socket(2)/accept(2) return (Linux keeps struct socket and its inode in one
// allocation, socket_alloc). Address families plug in by deriving from Socket and
// implementing its operations — Linux's proto_ops: bind, connect, listen, accept,
// sendmsg, recvmsg, shutdown, getname, poll — and by an entry in the family table
// (net/family.cpp). What every family shares lives here: the SOL_SOCKET options, the
// pending error (SO_ERROR), the timeouts, one wait queue, and read/write/poll/ioctl on
// the file. AF_UNIX is in net/unix/, AF_INET in net/inet/.
//
// Locking: socket state is under the giant lock (kernel/sync/giant.h), marked
// LV_GUARDED_BY_GIANT and checked by clang; the operations say LV_REQUIRES_GIANT. Every
// socket system call holds it (none is giant-free, and read/write take it for a socket,
// whose FileOps are not giant_free), and so do the net thread and the work thread
// (kernel/work.h), which runs the drivers' receive path. Sections that must run as one
// step (state the receive path changes) are kernel::giant::Sections; user copies
// happen outside those. What a family must not do inside one (dropping the last
// reference to a File or Socket) it does after.
#pragma once
#include <fs/file.h>
#include <kernel/wait_queue.h>
#include <mm/user_ptr.h>
#include <net/msg.h>

namespace net {
// Address families and socket types (include/linux/socket.h, net.h).
constexpr int kAfUnspec = 0, kAfUnix = 1, kAfInet = 2, kAfInet6 = 10, kAfMax = 46;
constexpr int kSockStream = 1, kSockDgram = 2, kSockRaw = 3, kSockSeqpacket = 5, kSockMax = 11;
constexpr int kSockTypeMask = 0xf;
constexpr u32 kSockNonBlock = fs::kONonBlock, kSockCloExec = fs::kOCloExec;
constexpr int kShutRd = 0, kShutWr = 1, kShutRdWr = 2;
constexpr int kSomaxconn = 4096; // net.core.somaxconn: listen() caps its backlog here
// poll bits beyond fs/inode.h's.
constexpr u32 kPollWrBand = 0x200, kPollRdHup = 0x2000;

// A wait bounded by SO_RCVTIMEO/SO_SNDTIMEO, or none at all for MSG_DONTWAIT/O_NONBLOCK
// (Linux's `timeo`: 0 means do not wait).
// signal(7): a socket call interrupted while a timeout is set is not restarted by
// SA_RESTART but fails with EINTR (sleep() marks the thread's syscall so).
class Timeout {
public:
    static constexpr u64 kForever = ~0ull;
    explicit Timeout(u64 timeout_ns);
    bool can_wait() const { return !m_expired; }
    // Sleeps once on `q`. Returns when woken or when the time runs out (can_wait() is
    // false after that); EAGAIN when there was no time left to wait; EINTR on a signal.
    ErrorOr<void> sleep(kernel::WaitQueue& q);

private:
    bool m_forever = false;
    bool m_expired = false;
    u64 m_deadline = 0;
};

struct SocketOptions {
    u32 sndbuf = 212992, rcvbuf = 212992; // net.core.wmem_default / rmem_default
    u64 rcvtimeo = Timeout::kForever, sndtimeo = Timeout::kForever; // ns; 0: never wait
    int rcvlowat = 1;
    int priority = 0;
    int linger_onoff = 0, linger_secs = 0;
    bool debug = false, reuseaddr = false, reuseport = false, dontroute = false, broadcast = false,
         keepalive = false, oobinline = false, no_check = false, passcred = false, passsec = false;
    // SO_TIMESTAMP*: stamp received messages (in nanoseconds; with the 64-bit "new"
    // control message types).
    bool timestamp = false, timestamp_ns = false, timestamp_new = false;
};

class Socket : public fs::Inode {
public:
    ~Socket() override;
    const int domain, type, protocol;
    SocketOptions opts LV_GUARDED_BY_GIANT;

    // ---- operations of the family (defaults: Linux's sock_no_* answers)
    virtual ErrorOr<void> bind(const SockAddr&) LV_REQUIRES_GIANT { return Errno::EOPNOTSUPP; }
    virtual ErrorOr<void> connect(const SockAddr&, bool nonblock) LV_REQUIRES_GIANT { return Errno::EOPNOTSUPP; }
    virtual ErrorOr<void> listen(int backlog) LV_REQUIRES_GIANT { return Errno::EOPNOTSUPP; }
    virtual ErrorOr<lv::RefPtr<Socket>> accept(bool nonblock) LV_REQUIRES_GIANT { return Errno::EOPNOTSUPP; }
    virtual ErrorOr<void> shutdown(int how) LV_REQUIRES_GIANT { return Errno::EOPNOTSUPP; }
    virtual ErrorOr<size_t> sendmsg(SendMsg&) LV_REQUIRES_GIANT = 0;
    virtual ErrorOr<size_t> recvmsg(RecvMsg&) LV_REQUIRES_GIANT = 0;
    // getsockname (peer=false) / getpeername (peer=true, ENOTCONN without one).
    virtual ErrorOr<void> getname(SockAddr& out, bool peer) LV_REQUIRES_GIANT = 0;
    // Every ready event (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLRDHUP, ...); `requested` says
    // what the caller asks for, as Linux's poll_requested_events.
    virtual u32 poll_mask(u32 requested) LV_REQUIRES_GIANT = 0;
    // Bytes a read would return now (FIONREAD/SIOCINQ).
    virtual ErrorOr<size_t> unread_bytes() LV_REQUIRES_GIANT { return Errno::ENOTTY; }
    virtual ErrorOr<long> family_ioctl(u32 request, u64 arg) LV_REQUIRES_GIANT { return Errno::ENOTTY; }
    // Options at levels other than SOL_SOCKET (IPPROTO_TCP, ...).
    virtual ErrorOr<void> setsockopt_level(int level, int name, UserPtr<const u8> val, u32 len) LV_REQUIRES_GIANT {
        return Errno::EOPNOTSUPP;
    }
    virtual ErrorOr<void> getsockopt_level(int level, int name, UserPtr<u8> val, UserPtr<int> len) LV_REQUIRES_GIANT {
        return Errno::EOPNOTSUPP;
    }
    virtual bool is_listening() const LV_REQUIRES_GIANT { return false; } // SO_ACCEPTCONN
    virtual Ucred peer_cred() LV_REQUIRES_GIANT { return {0, ~0u, ~0u}; } // SO_PEERCRED: none known
    virtual bool can_pass_files() const { return false; } // SCM_RIGHTS (AF_UNIX only)
    // The socket's file is closed for the last time (Linux's release).
    virtual void close() LV_REQUIRES_GIANT = 0;
    // SO_SNDBUF changed: writers and pollers may proceed.
    virtual void write_space_changed() LV_REQUIRES_GIANT { m_wait.wake_all(); }

    // ---- shared state
    // SO_ERROR: the pending error, cleared by reading it (sock_error).
    Errno take_error() LV_REQUIRES_GIANT;
    void set_error(Errno e) LV_REQUIRES_GIANT { m_error = e; }
    bool has_error() const LV_REQUIRES_GIANT { return m_error != Errno {}; }
    kernel::WaitQueue& waiters() { return m_wait; }
    Timeout rcv_timeout(bool dontwait) const LV_REQUIRES_GIANT { return Timeout(dontwait ? 0 : opts.rcvtimeo); }
    Timeout snd_timeout(bool dontwait) const LV_REQUIRES_GIANT { return Timeout(dontwait ? 0 : opts.sndtimeo); }
    // The open file on this socket (null before accept() gives it one, and after close).
    fs::File* file() const { return m_file; }

    // setsockopt/getsockopt (net/sockopt.cpp): SOL_SOCKET here, other levels to the family.
    ErrorOr<void> setsockopt(int level, int name, UserPtr<const u8> val, u32 len) LV_REQUIRES_GIANT;
    ErrorOr<void> getsockopt(int level, int name, UserPtr<u8> val, UserPtr<int> len) LV_REQUIRES_GIANT;

    // ---- FileOps: read/write are recv/send without flags; FIONREAD; poll.
    void release(fs::File&) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> read(fs::File&, u64, const fs::IoBuffer& buf, size_t n) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> write(fs::File&, u64, const fs::IoBuffer& buf, size_t n) LV_REQUIRES_GIANT override;
    ErrorOr<long> ioctl(fs::File&, u32 request, u64 arg) LV_REQUIRES_GIANT override;
    bool seekable() const override { return false; }
    u32 poll(fs::File&, u32 events) LV_REQUIRES_GIANT override;
    kernel::WaitQueue* wait_queue(fs::File&) override { return &m_wait; }
    ErrorOr<size_t> bytes_available(fs::File&) LV_REQUIRES_GIANT override { return unread_bytes(); }

protected:
    // Sockets live in sockfs; `fs` must be sockfs() (families get it from make_socket).
    Socket(fs::FileSystem& fs, int domain, int type, int protocol);
    kernel::WaitQueue m_wait; // readers, writers, acceptors, connectors and pollers

private:
    friend ErrorOr<lv::RefPtr<fs::File>> open_socket_file(lv::RefPtr<Socket>, u32);
    Errno m_error LV_GUARDED_BY_GIANT {};
    fs::File* m_file = nullptr;
};

// sockfs: the pseudo filesystem socket inodes belong to (st_dev, /proc/self/fd names).
constexpr u64 kSockfsMagic = 0x534F434B;
fs::FileSystem* sockfs(); // null on ENOMEM

// Allocates a T (a Socket subclass constructed as T(fs::FileSystem&, args...)) in sockfs.
template <typename T, typename... Args>
ErrorOr<lv::RefPtr<T>> make_socket(Args&&... args) {
    fs::FileSystem* fs = sockfs();
    if (!fs) return Errno::ENOMEM;
    T* raw = lv::make<T>(*fs, lv::forward<Args>(args)...);
    if (!raw) return Errno::ENOMEM;
    return lv::RefPtr<T>::adopt(raw);
}

// The open file for a new socket: O_RDWR plus `flags` (O_NONBLOCK).
ErrorOr<lv::RefPtr<fs::File>> open_socket_file(lv::RefPtr<Socket> s, u32 flags);
// The socket behind an open file; null if it is not one (ENOTSOCK).
Socket* socket_of(fs::File& f);

// ---- address families (net/family.cpp)
struct Family {
    int domain;
    // socket(2) after the generic checks: EPROTONOSUPPORT, ESOCKTNOSUPPORT, ...
    ErrorOr<lv::RefPtr<Socket>> (*create)(int type, int protocol);
    // socketpair(2): joins two fresh sockets of this family; null: EOPNOTSUPP.
    ErrorOr<void> (*pair)(Socket& a, Socket& b);
};
// Linux's __sock_create checks: EAFNOSUPPORT, EINVAL for a bad type, then the family.
ErrorOr<lv::RefPtr<Socket>> create_socket(int domain, int type, int protocol);
ErrorOr<void> socket_pair(Socket& a, Socket& b);
} // namespace net
