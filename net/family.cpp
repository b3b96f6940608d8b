// The address families the kernel knows (Linux's net_families[], filled by
// sock_register). A new family adds one line here.
#include <net/socket.h>
#include <net/inet/inet_socket.h>
#include <net/unix/unix_socket.h>

namespace net {
namespace {
// FIXME: AF_INET6 (and AF_NETLINK, AF_PACKET, ...) are not here yet: socket() for
// them fails with EAFNOSUPPORT, as on a Linux built without them.
constexpr Family kFamilies[] = {
    {kAfUnix, &af_unix::UnixSocket::create, &af_unix::UnixSocket::pair},
    {kAfInet, &inet::create_inet_socket, nullptr},
};

const Family* find_family(int domain) {
    for (const Family& f : kFamilies)
        if (f.domain == domain) return &f;
    return nullptr;
}
} // namespace

ErrorOr<lv::RefPtr<Socket>> create_socket(int domain, int type, int protocol) {
    if (domain < 0 || domain >= kAfMax) return Errno::EAFNOSUPPORT;
    if (type < 0 || type >= kSockMax) return Errno::EINVAL;
    const Family* f = find_family(domain);
    if (!f) return Errno::EAFNOSUPPORT;
    return f->create(type, protocol);
}

ErrorOr<void> socket_pair(Socket& a, Socket& b) {
    const Family* f = find_family(a.domain);
    if (!f || !f->pair) return Errno::EOPNOTSUPP;
    return f->pair(a, b);
}
} // namespace net
