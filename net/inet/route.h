// IPv4 routing: which interface and next hop a datagram leaves by, and which source
// address it carries. Like Linux, local destinations (an interface's own address and
// all of 127.0.0.0/8) go over the loopback interface before the table is consulted;
// the table itself holds the subnet route of each configured interface and static
// routes (the default gateway from the ip= command line option, SIOCADDRT).
#pragma once
#include <kernel/sync/giant.h>
#include <lib/result.h>
#include <net/inet/interface.h>

namespace net::inet {
constexpr u32 kInaddrAny = 0, kInaddrBroadcast = 0xffffffff, kInaddrLoopback = 0x7f000001;

struct Route {
    u32 dest = 0, mask = 0;
    u32 gateway = 0; // 0: the destination is on the link
    Interface* iface = nullptr;
    u32 metric = 0;
    bool connected = false; // made from an interface's address (update_connected_route)
};

struct RouteResult {
    Interface* iface = nullptr;
    u32 next_hop = 0;   // what the link layer resolves (the destination, or a gateway)
    u32 src = 0;        // preferred source address
    bool local = false; // delivered to this host
};

// ENETUNREACH when no route matches (or its interface is down).
ErrorOr<RouteResult> route_output(u32 dst) LV_REQUIRES_GIANT;
// EEXIST for an identical destination/mask/gateway, ENOBUFS when the table is full.
ErrorOr<void> route_add(u32 dest, u32 mask, u32 gateway, Interface* iface, u32 metric);
// ESRCH when no route has this destination and mask (gateway 0 matches any).
ErrorOr<void> route_delete(u32 dest, u32 mask, u32 gateway);
// Keeps the subnet route of `iface` in step with its address and up flag.
void update_connected_route(Interface& iface) LV_REQUIRES_GIANT;

constexpr size_t kMaxRoutes = 32;
// The table, for /proc/net/route-style listings: routes[0, count).
const Route* routes(size_t& count);

// True if `ip` is a broadcast address for a sending or receiving interface.
bool is_broadcast(u32 ip) LV_REQUIRES_GIANT;
inline bool is_multicast(u32 ip) { return (ip >> 28) == 0xe; }
// The number of leading one bits of a netmask (its prefix length).
inline int prefix_length(u32 mask) {
    int n = 0;
    while (n < 32 && (mask & (0x80000000u >> n))) n++;
    return n;
}
} // namespace net::inet
