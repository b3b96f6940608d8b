// Helpers shared by syscalls/socket.cpp and syscalls/socket_msg.cpp.
#pragma once
#include <net/socket.h>

namespace net::sc {
// The socket open at fd: EBADF (O_PATH descriptors too), ENOTSOCK. `hold` keeps the
// file, and so the socket, alive for the call.
ErrorOr<Socket*> socket_at(int fd, lv::RefPtr<fs::File>& hold);
// move_addr_to_kernel: EINVAL for a length outside [0, sizeof(sockaddr_storage)],
// EFAULT. A zero length copies nothing.
ErrorOr<void> addr_from_user(UserPtr<const u8> p, int len, SockAddr& out);
// move_addr_to_user: copies as much of `a` as *lenp allows and stores the full length
// in *lenp (EINVAL for a negative *lenp, EFAULT).
ErrorOr<void> addr_to_user(const SockAddr& a, UserPtr<u8> p, UserPtr<int> lenp);
} // namespace net::sc
