// AF_UNIX sockets (Linux's net/unix/af_unix.c): SOCK_STREAM, SOCK_DGRAM and
// SOCK_SEQPACKET; filesystem names (bind makes a socket inode), abstract names (a
// leading NUL byte), unnamed sockets; SCM_RIGHTS and SCM_CREDENTIALS.
//
// The shape is Linux's. Each socket has a receive queue of Packets. A stream or
// seqpacket connect() creates the server-side socket at once, connected to the client,
// and queues it on the listener (one Packet whose `sender` it is) until accept() takes
// it; data the client sends meanwhile waits in that socket's queue. The memory a sender
// has queued anywhere counts against its SO_SNDBUF (Linux's sk_wmem_alloc), and a
// datagram receiver not connected back to its sender also caps its queue length
// (net.unix.max_dgram_qlen). A sender that must wait for room in another socket's
// queue registers on that socket's relay list and sleeps on its own wait queue, so
// poll() on it sees the change too (Linux's peer_wake).
//
// Locking: the state is under the giant lock (LV_GUARDED_BY_GIANT, net/socket.h), changed
// in kernel::giant::Sections; m_iolock keeps readers of one socket from interleaving
// while they copy to user memory. Packets and sockets are freed outside those sections.
#pragma once
#include <kernel/sync/giant.h>
#include <kernel/sync/mutex.h>
#include <lib/format.h>
#include <lib/list.h>
#include <net/socket.h>

namespace net::af_unix {
class UnixSocket;

// A bound name, shared by a listener and the sockets accept() returns from it.
struct UnixAddress : lv::RefCounted<UnixAddress> {
    u32 len = 0; // bytes of struct sockaddr_un; a path name counts its NUL
    u8 bytes[SockAddr::kMax] = {};
    bool abstract() const { return len > 2 && bytes[2] == 0; }
};

// One queued message (Linux's sk_buff and its UNIXCB).
struct Packet {
    lv::ListNode node;
    lv::RefPtr<UnixSocket> sender; // charged for `charge` bytes; its name is the source address
    size_t len = 0;
    size_t consumed = 0; // stream reads take a packet piecewise
    size_t charge = 0;
    bool has_creds = false;
    Ucred creds {};
    bool stamped = false; // the receiver had SO_TIMESTAMP* when it arrived
    KTimespec stamp;
    lv::Vector<lv::RefPtr<fs::File>> files; // SCM_RIGHTS in flight
    u8* data = nullptr;
    size_t unread() const { return len - consumed; }
    ~Packet();
};

constexpr u32 kRcvShutdown = 1, kSendShutdown = 2, kShutdownMask = 3;
constexpr u32 kMaxDgramQlen = 10; // net.unix.max_dgram_qlen

class UnixSocket final : public Socket {
public:
    static ErrorOr<lv::RefPtr<Socket>> create(int type, int protocol);
    static ErrorOr<void> pair(Socket& a, Socket& b);
    UnixSocket(fs::FileSystem& fs, int type);
    ~UnixSocket() override;

    ErrorOr<void> bind(const SockAddr&) LV_REQUIRES_GIANT override;
    ErrorOr<void> connect(const SockAddr&, bool nonblock) LV_REQUIRES_GIANT override;
    ErrorOr<void> listen(int backlog) LV_REQUIRES_GIANT override;
    ErrorOr<lv::RefPtr<Socket>> accept(bool nonblock) LV_REQUIRES_GIANT override;
    ErrorOr<void> shutdown(int how) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> sendmsg(SendMsg&) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> recvmsg(RecvMsg&) LV_REQUIRES_GIANT override;
    ErrorOr<void> getname(SockAddr& out, bool peer) LV_REQUIRES_GIANT override;
    u32 poll_mask(u32 requested) LV_REQUIRES_GIANT override;
    ErrorOr<size_t> unread_bytes() LV_REQUIRES_GIANT override;
    ErrorOr<long> family_ioctl(u32 request, u64 arg) LV_REQUIRES_GIANT override;
    bool is_listening() const LV_REQUIRES_GIANT override { return m_state == State::Listening; }
    Ucred peer_cred() LV_REQUIRES_GIANT override;
    bool can_pass_files() const override { return true; }
    void close() LV_REQUIRES_GIANT override;

    // /proc/net/unix (unix_proc.cpp).
    static void proc_net_unix(lv::PutChar put, void* ctx);

    // In-flight file accounting for the garbage collector (unix_gc.cpp).
    static void files_in_flight(const lv::Vector<lv::RefPtr<fs::File>>& files, int delta);
    static u64 in_flight_total();
    static void collect_garbage() LV_REQUIRES_GIANT;
    static void collect_garbage_if_many() LV_REQUIRES_GIANT; // senders trigger it past a threshold, as Linux

    using PacketList = lv::IntrusiveList<Packet, &Packet::node>;
    // Gives back the sender's send space and drops the files a packet carries:
    // outside interrupts-off sections.
    static void free_packet(Packet* p);
    static void free_packets(PacketList& list);

private:
    enum class State : u8 { Closed, Listening, Established }; // TCP_CLOSE, TCP_LISTEN, TCP_ESTABLISHED
    bool connection_based() const { return type != kSockDgram; }

    // unix_socket.cpp
    void release_locked(bool embryo, PacketList& dead) LV_REQUIRES_GIANT;
    void enqueue(Packet& p) LV_REQUIRES_GIANT; // onto this socket's queue, waking readers
    Packet* dequeue() LV_REQUIRES_GIANT;       // the first packet, unlinked
    void unlink(Packet& p) LV_REQUIRES_GIANT;  // a packet of this queue
    bool queue_full() const LV_REQUIRES_GIANT { return m_queue_len > m_backlog; } // unix_recvq_full
    bool writable() const LV_REQUIRES_GIANT;
    void wait_for_room_on(UnixSocket& other) LV_REQUIRES_GIANT; // register on other's relay list
    void stop_waiting_for_room() LV_REQUIRES_GIANT;
    void wake_relays() LV_REQUIRES_GIANT; // room in this socket's queue: wake who waits for it
    void dgram_disconnected(UnixSocket& old_peer) LV_REQUIRES_GIANT; // takes m_iolock: call with interrupts on

    // unix_names.cpp
    static ErrorOr<void> validate(const SockAddr& a);
    ErrorOr<void> autobind() LV_REQUIRES_GIANT;
    ErrorOr<void> bind_path(const SockAddr& a) LV_REQUIRES_GIANT;
    ErrorOr<void> bind_abstract(const SockAddr& a) LV_REQUIRES_GIANT;
    static ErrorOr<lv::RefPtr<UnixSocket>> find_other(const SockAddr& a, int type);
    void unbind_locked() LV_REQUIRES_GIANT; // leave the name table (the name stays for getsockname)

    // unix_connect.cpp
    ErrorOr<void> connect_stream(const SockAddr& a, bool nonblock) LV_REQUIRES_GIANT;
    ErrorOr<void> connect_dgram(const SockAddr& a) LV_REQUIRES_GIANT;

    // unix_send.cpp
    ErrorOr<Packet*> alloc_packet(size_t len, Timeout& t) LV_REQUIRES_GIANT;
    ErrorOr<void> attach_scm(Packet& p, Scm& scm, bool with_files) LV_REQUIRES_GIANT;
    void maybe_add_creds(Packet& p, const UnixSocket& other) const LV_REQUIRES_GIANT;
    ErrorOr<size_t> send_stream(SendMsg& m) LV_REQUIRES_GIANT;
    ErrorOr<size_t> send_dgram(SendMsg& m) LV_REQUIRES_GIANT;

    // unix_recv.cpp
    ErrorOr<size_t> recv_stream(RecvMsg& m) LV_REQUIRES_GIANT;
    ErrorOr<size_t> recv_dgram(RecvMsg& m) LV_REQUIRES_GIANT;
    static void copy_name(const UnixSocket& from, RecvMsg& m);

    State m_state LV_GUARDED_BY_GIANT = State::Closed;
    u32 m_shutdown LV_GUARDED_BY_GIANT = 0;   // kRcvShutdown | kSendShutdown
    bool m_dead LV_GUARDED_BY_GIANT = false;  // released (SOCK_DEAD)
    bool m_embryo LV_GUARDED_BY_GIANT = false; // made by connect(), not yet accept()ed
    u32 m_backlog LV_GUARDED_BY_GIANT = kMaxDgramQlen; // sk_max_ack_backlog
    lv::RefPtr<UnixSocket> m_peer LV_GUARDED_BY_GIANT;
    lv::RefPtr<UnixAddress> m_addr LV_GUARDED_BY_GIANT;
    lv::RefPtr<fs::Inode> m_path_inode LV_GUARDED_BY_GIANT; // the socket file bind() made (filesystem names)
    PacketList m_queue LV_GUARDED_BY_GIANT;
    u32 m_queue_len LV_GUARDED_BY_GIANT = 0;
    size_t m_wmem LV_GUARDED_BY_GIANT = 0; // bytes of this socket's packets not yet consumed
    bool m_has_peer_cred LV_GUARDED_BY_GIANT = false;
    Ucred m_peer_cred LV_GUARDED_BY_GIANT {};
    kernel::Mutex m_iolock {"unix io"};

    // Waiting for room in another socket's queue (at most one at a time).
    lv::ListNode m_relay_node LV_GUARDED_BY_GIANT;
    UnixSocket* m_relay_target LV_GUARDED_BY_GIANT = nullptr;
    lv::IntrusiveList<UnixSocket, &UnixSocket::m_relay_node> m_relay_waiters LV_GUARDED_BY_GIANT;

    lv::ListNode m_name_node LV_GUARDED_BY_GIANT; // in the name table while bound
    lv::ListNode m_all_node LV_GUARDED_BY_GIANT;  // every AF_UNIX socket (the garbage collector walks them)
    // Garbage collector state (unix_gc.cpp).
    u32 m_inflight LV_GUARDED_BY_GIANT = 0; // references to this socket's File inside queued packets
    u32 m_gc_refs LV_GUARDED_BY_GIANT = 0;
    bool m_gc_candidate LV_GUARDED_BY_GIANT = false, m_gc_alive LV_GUARDED_BY_GIANT = false;

    using SocketList = lv::IntrusiveList<UnixSocket, &UnixSocket::m_name_node>;
    using AllList = lv::IntrusiveList<UnixSocket, &UnixSocket::m_all_node>;
    static SocketList& name_table();
    static AllList& all_sockets();
    static UnixSocket* from_file(fs::File& f);
    template <typename F>
    void for_each_queued(F f) LV_REQUIRES_GIANT; // packets in this queue and, for a listener, its embryos'
};
} // namespace net::af_unix
