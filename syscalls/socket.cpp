// socket, socketpair, bind, listen, accept, accept4, connect, getsockname, getpeername,
// shutdown, setsockopt, getsockopt (net/socket.c's __sys_* wrappers).
#include <fs/fd_table.h>
#include <syscalls/fs_util.h>
#include <syscalls/socket.h>
#include <syscalls/socket_util.h>

using namespace net;

namespace net::sc {
ErrorOr<Socket*> socket_at(int fd, lv::RefPtr<fs::File>& hold) {
    hold = TRY(fs::sc::io_file(fd));
    Socket* s = socket_of(*hold);
    if (!s) return Errno::ENOTSOCK;
    return s;
}

ErrorOr<void> addr_from_user(UserPtr<const u8> p, int len, SockAddr& out) {
    if (len < 0 || u32(len) > SockAddr::kMax) return Errno::EINVAL;
    out.len = u32(len);
    if (len) TRY(mm::copy_from_user(out.bytes, p.addr(), size_t(len)));
    return {};
}

ErrorOr<void> addr_to_user(const SockAddr& a, UserPtr<u8> p, UserPtr<int> lenp) {
    int len = TRY(lenp.read());
    if (len > int(a.len)) len = int(a.len);
    if (len < 0) return Errno::EINVAL;
    if (len) TRY(mm::copy_to_user(p.addr(), a.bytes, size_t(len)));
    // "fromlen shall refer to the value before truncation" (1003.1g)
    return lenp.write(int(a.len));
}
} // namespace net::sc

namespace {
// socket()/socketpair()/accept4() flags ride in the type argument (or in flags).
ErrorOr<u32> split_type(int& type) {
    u32 flags = u32(type) & ~u32(kSockTypeMask);
    if (flags & ~(kSockCloExec | kSockNonBlock)) return Errno::EINVAL;
    type &= kSockTypeMask;
    return flags;
}

ErrorOr<int> install(lv::RefPtr<Socket> s, u32 flags) {
    auto f = TRY(open_socket_file(lv::move(s), flags & kSockNonBlock));
    return fs::sc::fds().allocate(lv::move(f), flags & kSockCloExec, 0, fs::sc::fd_limit());
}

ErrorOr<long> get_name(int fd, UserPtr<u8> addr, UserPtr<int> addrlen, bool peer) LV_REQUIRES_GIANT {
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    SockAddr a;
    TRY(s->getname(a, peer));
    TRY(sc::addr_to_user(a, addr, addrlen));
    return 0;
}
} // namespace

ErrorOr<long> sys_socket(int domain, int type, int protocol) {
    u32 flags = TRY(split_type(type));
    auto s = TRY(create_socket(domain, type, protocol));
    return TRY(install(lv::move(s), flags));
}

ErrorOr<long> sys_socketpair(int domain, int type, int protocol, UserPtr<int> sv) {
    u32 flags = TRY(split_type(type));
    auto a = TRY(create_socket(domain, type, protocol));
    auto b = TRY(create_socket(domain, type, protocol));
    TRY(socket_pair(*a, *b));
    auto& fds = fs::sc::fds();
    int pair[2];
    pair[0] = TRY(install(lv::move(a), flags));
    auto second = install(lv::move(b), flags);
    if (second.is_error()) {
        (void)fds.close(pair[0]);
        return second.error();
    }
    pair[1] = second.value();
    if (auto r = sv.write_array(pair, 2); r.is_error()) {
        (void)fds.close(pair[0]);
        (void)fds.close(pair[1]);
        return r.error();
    }
    return 0;
}

ErrorOr<long> sys_bind(int fd, UserPtr<const u8> addr, int addrlen) {
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    SockAddr a;
    TRY(sc::addr_from_user(addr, addrlen, a));
    TRY(s->bind(a));
    return 0;
}

ErrorOr<long> sys_listen(int fd, int backlog) {
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    if (u32(backlog) > u32(kSomaxconn)) backlog = kSomaxconn; // negative too, as Linux
    TRY(s->listen(backlog));
    return 0;
}

ErrorOr<long> sys_accept4(int fd, UserPtr<u8> addr, UserPtr<int> addrlen, int flags) {
    if (u32(flags) & ~(kSockCloExec | kSockNonBlock)) return Errno::EINVAL;
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    // Linux reserves the descriptor before waiting: no free one is EMFILE at once.
    if (fs::sc::fds().count_open() >= fs::sc::fd_limit()) return Errno::EMFILE;
    // The listening file's O_NONBLOCK decides whether to wait; SOCK_NONBLOCK is for
    // the new file only.
    auto ns = TRY(s->accept(hold->nonblocking()));
    if (!addr.is_null()) {
        SockAddr a;
        if (ns->getname(a, true).is_error()) return Errno::ECONNABORTED;
        // A bad address buffer loses the connection, as in Linux.
        TRY(sc::addr_to_user(a, addr, addrlen));
    }
    return TRY(install(lv::move(ns), u32(flags)));
}

ErrorOr<long> sys_accept(int fd, UserPtr<u8> addr, UserPtr<int> addrlen) { return sys_accept4(fd, addr, addrlen, 0); }

ErrorOr<long> sys_connect(int fd, UserPtr<const u8> addr, int addrlen) {
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    SockAddr a;
    TRY(sc::addr_from_user(addr, addrlen, a));
    TRY(s->connect(a, hold->nonblocking()));
    return 0;
}

ErrorOr<long> sys_getsockname(int fd, UserPtr<u8> addr, UserPtr<int> addrlen) {
    return get_name(fd, addr, addrlen, false);
}

ErrorOr<long> sys_getpeername(int fd, UserPtr<u8> addr, UserPtr<int> addrlen) {
    return get_name(fd, addr, addrlen, true);
}

ErrorOr<long> sys_shutdown(int fd, int how) {
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    TRY(s->shutdown(how));
    return 0;
}

ErrorOr<long> sys_setsockopt(int fd, int level, int name, UserPtr<const u8> val, int len) {
    if (len < 0) return Errno::EINVAL;
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    TRY(s->setsockopt(level, name, val, u32(len)));
    return 0;
}

ErrorOr<long> sys_getsockopt(int fd, int level, int name, UserPtr<u8> val, UserPtr<int> len) {
    lv::RefPtr<fs::File> hold;
    Socket* s = TRY(sc::socket_at(fd, hold));
    TRY(s->getsockopt(level, name, val, len));
    return 0;
}
