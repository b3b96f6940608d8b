// Socket syscalls: creation, names, connections and options in syscalls/socket.cpp;
// sending and receiving in syscalls/socket_msg.cpp. The socket layer is net/.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/result.h>
#include <lib/ref_ptr.h>
#include <mm/user_ptr.h>

// socket.cpp
ErrorOr<long> sys_socket(int domain, int type, int protocol);
ErrorOr<long> sys_socketpair(int domain, int type, int protocol, UserPtr<int> sv);
ErrorOr<long> sys_bind(int fd, UserPtr<const u8> addr, int addrlen) LV_REQUIRES_GIANT;
ErrorOr<long> sys_listen(int fd, int backlog) LV_REQUIRES_GIANT;
ErrorOr<long> sys_accept(int fd, UserPtr<u8> addr, UserPtr<int> addrlen) LV_REQUIRES_GIANT;
ErrorOr<long> sys_accept4(int fd, UserPtr<u8> addr, UserPtr<int> addrlen, int flags) LV_REQUIRES_GIANT;
ErrorOr<long> sys_connect(int fd, UserPtr<const u8> addr, int addrlen) LV_REQUIRES_GIANT;
ErrorOr<long> sys_getsockname(int fd, UserPtr<u8> addr, UserPtr<int> addrlen) LV_REQUIRES_GIANT;
ErrorOr<long> sys_getpeername(int fd, UserPtr<u8> addr, UserPtr<int> addrlen) LV_REQUIRES_GIANT;
ErrorOr<long> sys_shutdown(int fd, int how) LV_REQUIRES_GIANT;
ErrorOr<long> sys_setsockopt(int fd, int level, int name, UserPtr<const u8> val, int len) LV_REQUIRES_GIANT;
ErrorOr<long> sys_getsockopt(int fd, int level, int name, UserPtr<u8> val, UserPtr<int> len) LV_REQUIRES_GIANT;

// socket_msg.cpp
ErrorOr<long> sys_sendto(int fd, UserPtr<const u8> buf, size_t len, unsigned flags, UserPtr<const u8> addr,
                         int addrlen) LV_REQUIRES_GIANT;
ErrorOr<long> sys_recvfrom(int fd, UserPtr<u8> buf, size_t len, unsigned flags, UserPtr<u8> addr,
                           UserPtr<int> addrlen) LV_REQUIRES_GIANT;
ErrorOr<long> sys_sendmsg(int fd, UserPtr<void> msg, unsigned flags) LV_REQUIRES_GIANT;
ErrorOr<long> sys_recvmsg(int fd, UserPtr<void> msg, unsigned flags) LV_REQUIRES_GIANT;
ErrorOr<long> sys_sendmmsg(int fd, UserPtr<void> msgvec, unsigned vlen, unsigned flags) LV_REQUIRES_GIANT;
ErrorOr<long> sys_recvmmsg(int fd, UserPtr<void> msgvec, unsigned vlen, unsigned flags, UserPtr<const void> timeout) LV_REQUIRES_GIANT;

// readv/writev on a socket (sock_read_iter/sock_write_iter): the whole vector is one
// recvmsg/sendmsg, so a datagram is never split across segments or calls.
namespace fs {
class File;
}
bool is_socket(fs::File& f);
ErrorOr<long> socket_readv(fs::File& f, UserPtr<const void> iov, unsigned long vlen);
ErrorOr<long> socket_writev(fs::File& f, UserPtr<const void> iov, unsigned long vlen);

#define LV_SYSCALLS_SOCKET(X)                                                                        \
    X(socket) X(socketpair) X(bind) X(listen) X(accept) X(accept4) X(connect) X(getsockname)       \
    X(getpeername) X(shutdown) X(setsockopt) X(getsockopt) X(sendto) X(recvfrom) X(sendmsg)         \
    X(recvmsg) X(sendmmsg) X(recvmmsg)
