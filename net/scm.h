// Control messages (cmsg(3), unix(7)): parsing a sendmsg control buffer into an Scm
// (Linux's __scm_send) and writing what a received message carries into the user's
// msg_control (put_cmsg, scm_detach_fds). The layout is 64-bit Linux's on both
// arches: struct cmsghdr { u64 cmsg_len; i32 cmsg_level; i32 cmsg_type; } followed by
// the data, each message aligned to 8 bytes.
#pragma once
#include <kernel/sync/giant.h>
#include <net/socket.h>

namespace net {
constexpr int kSolSocket = 1;
constexpr int kScmRights = 1, kScmCredentials = 2;
constexpr int kScmTimestampOld = 29, kScmTimestampnsOld = 35, kScmTimestampNew = 63, kScmTimestampnsNew = 64;
constexpr size_t kScmMaxFd = 253; // SCM_MAX_FD: files in one message
constexpr size_t kCmsgHdr = 16;
constexpr size_t cmsg_align(size_t n) { return (n + 7) & ~size_t(7); }
constexpr size_t cmsg_len(size_t n) { return kCmsgHdr + n; }
constexpr size_t cmsg_space(size_t n) { return kCmsgHdr + cmsg_align(n); }

// `buf` is the control buffer already copied into the kernel. EINVAL for malformed
// messages, SCM_RIGHTS on a family that cannot pass files, unknown SOL_SOCKET types;
// EBADF for a bad descriptor; EPERM/ESRCH/EINVAL for credentials the caller may not
// claim. Messages of other levels are skipped.
ErrorOr<void> parse_control(Socket& s, const u8* buf, size_t len, Scm& out);

// Writes control messages into msg_control as recvmsg returns them.
class ControlWriter {
public:
    ControlWriter(u64 user_buf, size_t cap) : m_base(user_buf), m_cap(cap) {}
    size_t used() const { return m_used; }
    bool truncated() const { return m_truncated; }
    // SCM_TIMESTAMP* when the message was stamped (__sock_recv_timestamp), then as
    // scm_recv_unix does: SCM_CREDENTIALS when the socket has SO_PASSCRED, then the files
    // as new descriptors (O_CLOEXEC with MSG_CMSG_CLOEXEC). Files that do not fit, or
    // for which no descriptor is free, are closed and MSG_CTRUNC reported. Without a
    // control buffer everything is dropped and MSG_CTRUNC reported. New descriptors
    // stay below fd_limit (RLIMIT_NOFILE).
    void deliver(Socket& s, RecvMsg& m, bool cloexec, int fd_limit) LV_REQUIRES_GIANT;

private:
    void put(int level, int type, const void* data, size_t len);
    void put_files(Scm& scm, bool cloexec, int fd_limit);
    size_t room() const { return m_cap - m_used; }
    u64 m_base;
    size_t m_cap;
    size_t m_used = 0;
    bool m_truncated = false;
};
} // namespace net
