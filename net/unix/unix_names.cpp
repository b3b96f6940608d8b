// AF_UNIX names: bind (filesystem and abstract names, autobind) and finding the socket
// an address names. Filesystem names are socket inodes in the VFS; the table maps them
// back to the socket bound there. Abstract names live only in the table and, as in
// Linux (whose hash includes the type), are separate per socket type.
#include <fs/context.h>
#include <fs/vfs.h>
#include <kernel/sync/giant.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <lib/string.h>
#include <net/unix/unix_socket.h>

namespace net::af_unix {
namespace {
constexpr u32 kSunPathOffset = 2;  // offsetof(struct sockaddr_un, sun_path)
constexpr u32 kSockaddrUnSize = 110; // sizeof(struct sockaddr_un)

// The path of a filesystem name, NUL-terminated in a copy (unix_mkname_bsd: a
// 108-byte path without a NUL is still a path).
struct PathName {
    SockAddr a;
    explicit PathName(const SockAddr& in) : a(in) { a.bytes[a.len] = 0; }
    const char* c_str() const { return reinterpret_cast<const char*>(a.bytes + kSunPathOffset); }
    size_t size() const { return strlen(c_str()); }
};

// path_permission(MAY_WRITE) on the socket file: uid 0 may always.
ErrorOr<void> may_write(fs::Inode& inode) {
    auto c = kernel::current_process().creds();
    if (c.fsuid == 0) return {};
    u32 bits = inode.uid == c.fsuid ? 0200 : inode.gid == c.fsgid ? 020 : 02;
    return (inode.mode & bits) ? ErrorOr<void>() : Errno::EACCES;
}

lv::RefPtr<fs::Inode> cwd() {
    kernel::giant::Section g;
    return kernel::current_process().fs()->cwd;
}
} // namespace

UnixSocket::SocketList& UnixSocket::name_table() {
    static SocketList list;
    return list;
}

UnixSocket::AllList& UnixSocket::all_sockets() {
    static AllList list;
    return list;
}

ErrorOr<void> UnixSocket::validate(const SockAddr& a) {
    if (a.len <= kSunPathOffset || a.len > kSockaddrUnSize) return Errno::EINVAL;
    if (a.family() != kAfUnix) return Errno::EINVAL;
    return {};
}

void UnixSocket::unbind_locked() {
    if (m_name_node.linked()) SocketList::remove(*this);
}

ErrorOr<void> UnixSocket::bind(const SockAddr& a) {
    // Just the family: pick an abstract name (unix_bind -> unix_autobind).
    if (a.len == kSunPathOffset && a.family() == kAfUnix) return autobind();
    TRY(validate(a));
    return a.bytes[kSunPathOffset] ? bind_path(a) : bind_abstract(a);
}

ErrorOr<void> UnixSocket::bind_path(const SockAddr& a) {
    PathName path(a);
    auto addr = lv::make_ref<UnixAddress>();
    if (!addr) return Errno::ENOMEM;
    addr->len = u32(path.size()) + kSunPathOffset + 1;
    memcpy(addr->bytes, path.a.bytes, addr->len);
    auto base = cwd();
    u32 umask = kernel::current_process().fs()->umask;
    // The socket file first, then the check that this socket has no name yet: bind on
    // a bound socket is EINVAL only once the new name was free (unix_bind_bsd).
    auto node = fs::make_node(*base, path.c_str(), fs::kIfsock | (0777 & ~umask), 0);
    if (node.is_error()) return node.error() == Errno::EEXIST ? Errno::EADDRINUSE : node.error();
    {
        kernel::giant::Section g;
        if (!m_addr) {
            m_addr = lv::move(addr);
            m_path_inode = node.release_value();
            name_table().push_back(*this);
            return {};
        }
    }
    (void)fs::remove(*base, path.c_str(), false);
    return Errno::EINVAL;
}

ErrorOr<void> UnixSocket::bind_abstract(const SockAddr& a) {
    auto addr = lv::make_ref<UnixAddress>();
    if (!addr) return Errno::ENOMEM;
    addr->len = a.len;
    memcpy(addr->bytes, a.bytes, a.len);
    kernel::giant::Section g;
    if (m_addr) return Errno::EINVAL;
    for (UnixSocket& s : name_table())
        if (s.type == type && s.m_addr->abstract() && s.m_addr->len == a.len && memcmp(s.m_addr->bytes, a.bytes, a.len) == 0)
            return Errno::EADDRINUSE;
    m_addr = lv::move(addr);
    name_table().push_back(*this);
    return {};
}

// unix_autobind: an abstract name of five hex digits, from a random start.
ErrorOr<void> UnixSocket::autobind() {
    auto addr = lv::make_ref<UnixAddress>();
    if (!addr) return Errno::ENOMEM;
    addr->len = kSunPathOffset + 6;
    addr->bytes[0] = u8(kAfUnix);
    kernel::giant::Section g;
    if (m_addr) return {};
    u32 order = u32(kernel::random::next_u64()) & 0xfffff;
    u32 last = order;
    for (;;) {
        order = (order + 1) & 0xfffff;
        for (int i = 0; i < 5; i++) addr->bytes[3 + i] = "0123456789abcdef"[(order >> (16 - 4 * i)) & 0xf];
        bool used = false;
        for (UnixSocket& s : name_table())
            if (s.type == type && s.m_addr->len == addr->len && memcmp(s.m_addr->bytes, addr->bytes, addr->len) == 0)
                used = true;
        if (!used) break;
        if (order == last) return Errno::ENOSPC; // every name is taken
    }
    m_addr = lv::move(addr);
    name_table().push_back(*this);
    return {};
}

// unix_find_other: ENOENT (and the other lookup errors) for a missing path, EACCES
// without write permission on it, ECONNREFUSED when nobody is bound there, EPROTOTYPE
// when the socket there has another type.
ErrorOr<lv::RefPtr<UnixSocket>> UnixSocket::find_other(const SockAddr& a, int type) {
    if (a.bytes[kSunPathOffset]) {
        PathName path(a);
        auto base = cwd();
        auto inode = TRY(fs::resolve(*base, path.c_str(), true));
        TRY(may_write(*inode));
        if (inode->type() != fs::kIfsock) return Errno::ECONNREFUSED;
        kernel::giant::Section g;
        for (UnixSocket& s : name_table()) {
            if (s.m_path_inode.get() != inode.get()) continue;
            if (s.type != type) return Errno::EPROTOTYPE;
            return lv::RefPtr<UnixSocket>(&s);
        }
        return Errno::ECONNREFUSED;
    }
    kernel::giant::Section g;
    for (UnixSocket& s : name_table())
        if (s.type == type && s.m_addr->abstract() && s.m_addr->len == a.len &&
            memcmp(s.m_addr->bytes, a.bytes, a.len) == 0)
            return lv::RefPtr<UnixSocket>(&s);
    return Errno::ECONNREFUSED;
}
} // namespace net::af_unix
