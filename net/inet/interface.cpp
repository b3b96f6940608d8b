#include <lib/string.h>
#include <net/inet/interface.h>
#include <net/inet/route.h>

namespace net::inet {
namespace {
lv::IntrusiveList<Interface, &Interface::node> g_interfaces;
int g_next_index = 1;
} // namespace

lv::IntrusiveList<Interface, &Interface::node>& interfaces() { return g_interfaces; }

void register_interface(Interface& iface) {
    iface.index = g_next_index++;
    g_interfaces.push_back(iface);
}

Interface* find_interface(const char* name, size_t len) {
    for (Interface& i : g_interfaces)
        if (strnlen(i.name, kIfNameSize) == len && memcmp(i.name, name, len) == 0) return &i;
    return nullptr;
}

Interface* find_interface(int index) {
    for (Interface& i : g_interfaces)
        if (i.index == index) return &i;
    return nullptr;
}

Interface* loopback_interface() LV_REQUIRES_GIANT {
    for (Interface& i : g_interfaces)
        if (i.is_loopback()) return &i;
    return nullptr;
}

Interface* interface_with_address(u32 ip) LV_REQUIRES_GIANT {
    for (Interface& i : g_interfaces)
        if (i.addr && i.addr == ip && i.is_up()) return &i;
    // All of 127.0.0.0/8 is local (Linux's "local" route on lo), not only 127.0.0.1.
    if ((ip >> 24) == 127) {
        Interface* lo = loopback_interface();
        if (lo && lo->is_up()) return lo;
    }
    return nullptr;
}

void set_interface_address(Interface& iface, u32 addr, u32 netmask) LV_REQUIRES_GIANT {
    if (!netmask) {
        // The classful default, as SIOCSIFADDR gives an interface without a netmask.
        u8 top = u8(addr >> 24);
        netmask = top < 128 ? 0xff000000 : top < 192 ? 0xffff0000 : 0xffffff00;
    }
    iface.addr = addr;
    iface.netmask = netmask;
    iface.broadcast = addr ? (addr & netmask) | ~netmask : 0;
    if (iface.is_loopback()) iface.broadcast = 0;
    update_connected_route(iface);
    iface.reconfigured();
}
} // namespace net::inet
