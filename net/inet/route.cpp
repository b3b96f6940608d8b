#include <net/inet/route.h>

namespace net::inet {
namespace {
Route g_routes[kMaxRoutes];
size_t g_count = 0;

// The first configured, up, non-loopback interface: where a limited broadcast goes.
Interface* broadcast_interface() LV_REQUIRES_GIANT {
    for (Interface& i : interfaces())
        if (!i.is_loopback() && i.is_up() && i.addr) return &i;
    return nullptr;
}
} // namespace

const Route* routes(size_t& count) {
    count = g_count;
    return g_routes;
}

bool is_broadcast(u32 ip) LV_REQUIRES_GIANT {
    if (ip == kInaddrBroadcast) return true;
    for (Interface& i : interfaces())
        if (i.broadcast && i.broadcast == ip) return true;
    return false;
}

ErrorOr<RouteResult> route_output(u32 dst) LV_REQUIRES_GIANT {
    RouteResult r;
    if (Interface* local = interface_with_address(dst)) {
        Interface* lo = loopback_interface();
        if (!lo || !lo->is_up()) return Errno::ENETUNREACH;
        r.iface = lo;
        r.next_hop = dst;
        r.src = local->is_loopback() ? (lo->addr ? lo->addr : kInaddrLoopback) : dst;
        r.local = true;
        return r;
    }
    if (dst == kInaddrBroadcast) {
        Interface* i = broadcast_interface();
        if (!i) return Errno::ENETUNREACH;
        r.iface = i;
        r.next_hop = dst;
        r.src = i->addr;
        return r;
    }
    const Route* best = nullptr;
    for (size_t k = 0; k < g_count; k++) {
        const Route& rt = g_routes[k];
        if ((dst & rt.mask) != rt.dest || !rt.iface->is_up()) continue;
        if (!best || prefix_length(rt.mask) > prefix_length(best->mask) ||
            (rt.mask == best->mask && rt.metric < best->metric))
            best = &rt;
    }
    if (!best) return Errno::ENETUNREACH;
    r.iface = best->iface;
    r.next_hop = best->gateway ? best->gateway : dst;
    r.src = best->iface->addr;
    return r;
}

ErrorOr<void> route_add(u32 dest, u32 mask, u32 gateway, Interface* iface, u32 metric) {
    dest &= mask;
    for (size_t k = 0; k < g_count; k++) {
        const Route& rt = g_routes[k];
        if (rt.dest == dest && rt.mask == mask && rt.gateway == gateway && rt.metric == metric)
            return Errno::EEXIST;
    }
    if (g_count == kMaxRoutes) return Errno::ENOBUFS;
    g_routes[g_count++] = Route {dest, mask, gateway, iface, metric, false};
    return {};
}

ErrorOr<void> route_delete(u32 dest, u32 mask, u32 gateway) {
    for (size_t k = 0; k < g_count; k++) {
        const Route& rt = g_routes[k];
        if (rt.dest == (dest & mask) && rt.mask == mask && (!gateway || rt.gateway == gateway)) {
            g_routes[k] = g_routes[--g_count];
            return {};
        }
    }
    return Errno::ESRCH;
}

void update_connected_route(Interface& iface) LV_REQUIRES_GIANT {
    for (size_t k = 0; k < g_count;) {
        if (g_routes[k].connected && g_routes[k].iface == &iface) g_routes[k] = g_routes[--g_count];
        else k++;
    }
    // lo's 127.0.0.0/8 is local (route_output), not a table entry, as in Linux's main table.
    if (!iface.addr || iface.is_loopback() || g_count == kMaxRoutes) return;
    g_routes[g_count++] = Route {iface.addr & iface.netmask, iface.netmask, 0, &iface, 0, true};
}
} // namespace net::inet
