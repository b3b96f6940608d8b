// What travels through a socket: the data of one send/receive call (one buffer, or a
// user iovec array), the peer's address, and ancillary data (SCM_RIGHTS files,
// SCM_CREDENTIALS). The syscalls build these from struct msghdr (syscalls/socket_msg.cpp)
// or from read/write; the address families fill and consume them.
#pragma once
#include <abi/kstat.h>
#include <fs/file.h>
#include <lib/vector.h>

namespace net {
// A socket address copied in from user space: at most sizeof(struct sockaddr_storage).
struct SockAddr {
    static constexpr u32 kMax = 128;
    // One spare byte: AF_UNIX terminates a 108-byte path that has no NUL (unix_mkname_bsd).
    u8 bytes[kMax + 1] = {};
    u32 len = 0;
    u16 family() const { return len >= 2 ? u16(bytes[0] | (bytes[1] << 8)) : 0; }
};

// struct ucred (SCM_CREDENTIALS, SO_PEERCRED).
struct Ucred {
    i32 pid;
    u32 uid, gid;
};
static_assert(sizeof(Ucred) == 12);
// The caller's credentials: pid is the thread group id; uid/gid the real ids (what
// SCM_CREDENTIALS carries) or the effective ones (what SO_PEERCRED reports).
Ucred current_ucred(bool effective);

// Ancillary data of one message.
struct Scm {
    lv::Vector<lv::RefPtr<fs::File>> files; // SCM_RIGHTS, in order
    bool has_creds = false;                 // SCM_CREDENTIALS given (send) / attached (receive)
    Ucred creds {};
};

// One segment of a user iovec array.
struct IoSeg {
    u64 base;
    u64 len;
};

// The data buffer(s) of one call, seen as a single byte range [0, size()).
class MsgData {
public:
    MsgData(const fs::IoBuffer& buf, size_t len) : m_single(buf), m_total(len) {}
    MsgData(const IoSeg* segs, size_t count, size_t total)
        : m_single(fs::IoBuffer::kernel(static_cast<void*>(nullptr))), m_segs(segs), m_count(count), m_total(total) {}
    size_t size() const { return m_total; }
    // message buffer [off, off+n) -> dst (sending)
    ErrorOr<void> copy_in(size_t off, void* dst, size_t n) const;
    // src -> message buffer [off, off+n) (receiving)
    ErrorOr<void> copy_out(size_t off, const void* src, size_t n) const;

private:
    template <typename Op>
    ErrorOr<void> walk(size_t off, size_t n, Op op) const;
    fs::IoBuffer m_single;
    const IoSeg* m_segs = nullptr; // null: m_single
    size_t m_count = 0;
    size_t m_total;
};

// send flags (include/linux/socket.h; the same on every Linux arch).
constexpr u32 kMsgOob = 1, kMsgPeek = 2, kMsgDontRoute = 4, kMsgCtrunc = 8, kMsgTrunc = 0x20,
              kMsgDontWait = 0x40, kMsgEor = 0x80, kMsgWaitAll = 0x100, kMsgErrQueue = 0x2000,
              kMsgNoSignal = 0x4000, kMsgMore = 0x8000, kMsgWaitForOne = 0x10000,
              kMsgCmsgCloexec = 0x40000000;

struct SendMsg {
    MsgData data;
    const SockAddr* name = nullptr; // null: the connected peer
    Scm scm;
    u32 flags = 0; // MSG_*; MSG_DONTWAIT already includes O_NONBLOCK
};

struct RecvMsg {
    MsgData data;
    bool want_name = false;
    SockAddr name;      // the sender's address (len 0: none known)
    Scm scm;            // what came with the message
    u32 flags = 0;      // MSG_* asked for
    u32 out_flags = 0;  // MSG_TRUNC, MSG_CTRUNC, MSG_EOR for the caller's msg_flags
    bool stamped = false; // SO_TIMESTAMP*: when the message arrived (CLOCK_REALTIME)
    KTimespec stamp;
};
} // namespace net
