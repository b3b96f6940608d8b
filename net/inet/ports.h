// Port tables: which (address, port) each UDP or TCP socket holds. bind() and the
// automatic binding of connect()/sendto() claim a port here; whether two sockets may
// share one is the protocol's rule (InetSocket::port_conflict, after Linux's
// inet_csk_bind_conflict and udp_lib_lport_inuse). Ephemeral ports come from Linux's
// default ip_local_port_range, 32768-60999.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/result.h>
#include <net/inet/inet_socket.h>

namespace net::inet {
constexpr u16 kEphemeralLow = 32768, kEphemeralHigh = 60999;
constexpr u16 kPrivilegedPorts = 1024; // below: CAP_NET_BIND_SERVICE (root) only

using SocketList = lv::IntrusiveList<InetSocket, &InetSocket::bind_node>;

struct PortTable {
    SocketList bound;
};
PortTable& udp_ports();
PortTable& tcp_ports();

// Binds s to (addr, port), port 0 choosing a free ephemeral one. EADDRINUSE if taken
// (or no ephemeral port is free: EADDRNOTAVAIL for connect's autobind, as Linux).
ErrorOr<void> bind_port(PortTable& t, InetSocket& s, u32 addr, u16 port, bool for_connect = false) LV_REQUIRES_GIANT;
// Whether s may keep its port as a listener: listen() checks again, since sockets
// with SO_REUSEADDR share a port only while none of them listens.
bool port_usable_for_listen(PortTable& t, InetSocket& s) LV_REQUIRES_GIANT;
void unbind_port(PortTable& t, InetSocket& s);
} // namespace net::inet
