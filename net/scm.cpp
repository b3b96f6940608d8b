#include <fs/fd_table.h>
#include <kernel/process.h>
#include <lib/string.h>
#include <net/scm.h>

namespace net {
namespace {
struct Cmsghdr {
    u64 len;
    i32 level, type;
};
static_assert(sizeof(Cmsghdr) == kCmsgHdr);
constexpr u32 kOverflowId = 65534; // overflowuid/overflowgid: what "no id" reads as

ErrorOr<void> add_files(const u8* data, size_t n, Scm& out) {
    if (n > kScmMaxFd || out.files.size() + n > kScmMaxFd) return Errno::EINVAL;
    auto& fds = *kernel::current_process().fds();
    for (size_t i = 0; i < n; i++) {
        i32 fd;
        memcpy(&fd, data + i * sizeof(fd), sizeof(fd));
        if (fd < 0) return Errno::EBADF;
        auto f = TRY(fds.get(fd)); // O_PATH descriptors too (fget_raw)
        if (!out.files.try_append(lv::move(f))) return Errno::ENOMEM;
    }
    return {};
}

// scm_check_creds: one's own pid and one of one's real/effective/saved ids, unless
// privileged (uid 0 has CAP_SYS_ADMIN, CAP_SETUID and CAP_SETGID); then the pid must
// exist.
ErrorOr<void> add_creds(const u8* data, Scm& out) {
    Ucred c;
    memcpy(&c, data, sizeof c);
    if (c.uid == ~0u || c.gid == ~0u) return Errno::EINVAL;
    auto& p = kernel::current_process();
    kernel::Credentials pc = p.creds();
    bool root = pc.euid == 0;
    bool pid_ok = c.pid == p.pid() || root;
    bool uid_ok = c.uid == pc.uid || c.uid == pc.euid || c.uid == pc.suid || root;
    bool gid_ok = c.gid == pc.gid || c.gid == pc.egid || c.gid == pc.sgid || root;
    if (!pid_ok || !uid_ok || !gid_ok) return Errno::EPERM;
    if (c.pid <= 0 || !kernel::find_process(c.pid)) return Errno::ESRCH;
    out.has_creds = true;
    out.creds = c;
    return {};
}
} // namespace

ErrorOr<void> parse_control(Socket& s, const u8* buf, size_t len, Scm& out) {
    size_t off = 0;
    // for_each_cmsghdr: a header must fit entirely for the walk to look at it.
    while (len >= kCmsgHdr && off <= len - kCmsgHdr) {
        Cmsghdr h;
        memcpy(&h, buf + off, sizeof h);
        if (h.len < kCmsgHdr || h.len > len - off) return Errno::EINVAL; // CMSG_OK
        const u8* data = buf + off + kCmsgHdr;
        size_t n = h.len - kCmsgHdr;
        if (h.level == kSolSocket) {
            switch (h.type) {
            case kScmRights:
                if (!s.can_pass_files()) return Errno::EINVAL;
                TRY(add_files(data, n / sizeof(i32), out));
                break;
            case kScmCredentials:
                if (h.len != cmsg_len(sizeof(Ucred))) return Errno::EINVAL;
                TRY(add_creds(data, out));
                break;
            default:
                return Errno::EINVAL;
            }
        }
        off += cmsg_align(h.len);
    }
    return {};
}

// put_cmsg: a message that does not fit is cut to what room there is (cmsg_len says
// so) and MSG_CTRUNC is set; write errors are ignored, as Linux ignores them.
void ControlWriter::put(int level, int type, const void* data, size_t len) {
    if (room() < kCmsgHdr) {
        m_truncated = true;
        return;
    }
    size_t cmlen = cmsg_len(len);
    if (room() < cmlen) {
        m_truncated = true;
        cmlen = room();
    }
    Cmsghdr h {cmlen, level, type};
    u64 at = m_base + m_used;
    if (mm::copy_to_user(at, &h, sizeof h).is_error()) return;
    if (mm::copy_to_user(at + kCmsgHdr, data, cmlen - kCmsgHdr).is_error()) return;
    m_used += min(cmsg_space(len), room());
}

// scm_detach_fds: as many descriptors as fit, the rest closed with MSG_CTRUNC.
void ControlWriter::put_files(Scm& scm, bool cloexec, int fd_limit) {
    size_t count = scm.files.size();
    size_t fit = room() > kCmsgHdr ? (room() - kCmsgHdr) / sizeof(i32) : 0;
    size_t max = min(fit, count);
    auto& fds = *kernel::current_process().fds();
    u64 data = m_base + m_used + kCmsgHdr;
    size_t i = 0;
    for (; i < max; i++) {
        auto fd = fds.allocate(scm.files[i], cloexec, 0, fd_limit);
        if (fd.is_error()) break;
        if (UserPtr<i32>(data + i * sizeof(i32)).write(fd.value()).is_error()) {
            (void)fds.close(fd.value());
            break;
        }
    }
    if (i > 0) {
        Cmsghdr h {cmsg_len(i * sizeof(i32)), kSolSocket, kScmRights};
        if (!mm::copy_to_user(m_base + m_used, &h, sizeof h).is_error())
            m_used += min(cmsg_space(i * sizeof(i32)), room());
    }
    if (i < count) m_truncated = true;
    scm.files.clear(); // the installed ones live on in the fd table
}

void ControlWriter::deliver(Socket& s, RecvMsg& m, bool cloexec, int fd_limit) LV_REQUIRES_GIANT {
    Scm& scm = m.scm;
    if (!m_base) {
        if (s.opts.passcred || !scm.files.empty() || m.stamped) m_truncated = true;
        scm.files.clear();
        return;
    }
    if (m.stamped) {
        // struct timeval / timespec: two 64-bit fields on 64-bit Linux, old or new type.
        i64 t[2] = {m.stamp.sec, s.opts.timestamp_ns ? m.stamp.nsec : m.stamp.nsec / 1000};
        int type = s.opts.timestamp_new ? (s.opts.timestamp_ns ? kScmTimestampnsNew : kScmTimestampNew)
                                        : (s.opts.timestamp_ns ? kScmTimestampnsOld : kScmTimestampOld);
        put(kSolSocket, type, t, sizeof t);
    }
    if (s.opts.passcred) {
        // A message queued before SO_PASSCRED was set has no credentials: Linux reports
        // pid 0 and the overflow ids.
        Ucred c = scm.has_creds ? scm.creds : Ucred {0, kOverflowId, kOverflowId};
        put(kSolSocket, kScmCredentials, &c, sizeof c);
    }
    if (!scm.files.empty()) put_files(scm, cloexec, fd_limit);
}
} // namespace net
