#include <kernel/random.h>
#include <net/inet/ports.h>

namespace net::inet {
namespace {
PortTable g_udp, g_tcp;

bool addresses_overlap(u32 a, u32 b) { return a == 0 || b == 0 || a == b; }

// Does anybody on `port` clash with s bound at `addr`?
bool in_use(PortTable& t, const InetSocket& s, u32 addr, u16 port) LV_REQUIRES_GIANT {
    for (InetSocket& o : t.bound) {
        if (&o == &s || o.local_port != port || !addresses_overlap(o.local_addr, addr)) continue;
        if (o.port_conflict(s)) return true;
    }
    return false;
}

bool port_free(PortTable& t, u16 port) LV_REQUIRES_GIANT {
    for (InetSocket& o : t.bound)
        if (o.local_port == port) return false;
    return true;
}
} // namespace

PortTable& udp_ports() { return g_udp; }
PortTable& tcp_ports() { return g_tcp; }

ErrorOr<void> bind_port(PortTable& t, InetSocket& s, u32 addr, u16 port, bool for_connect) LV_REQUIRES_GIANT {
    if (port == 0) {
        // A random starting point, then every port of the range once; a port nobody
        // holds at all, so that the new socket conflicts with no one. For TCP, as Linux
        // (__inet_hash_connect, inet_csk_find_open_port): connect's autobind tries the
        // ports of the range's low parity (even) first, bind(0) the others, each falling
        // back to the other half when its own is full; so a connecting socket does not
        // take the port a listener just gave back and connect to itself.
        constexpr u32 range = u32(kEphemeralHigh - kEphemeralLow + 1); // even: parity is kept
        static_assert(range % 2 == 0);
        u32 start = u32(kernel::random::next_u64() % range);
        bool halves = &t == &g_tcp;
        if (halves) start = for_connect ? start & ~1u : start | 1u;
        u32 step = halves ? 2 : 1;
        for (u32 pass = 0; pass < step && !port; pass++) {
            u32 first = start ^ pass; // the second pass: the other parity
            for (u32 i = 0; i < range; i += step) {
                u16 p = u16(kEphemeralLow + (first + i) % range);
                if (port_free(t, p)) {
                    port = p;
                    break;
                }
            }
        }
        if (port == 0) return for_connect ? Errno::EADDRNOTAVAIL : Errno::EADDRINUSE;
    } else if (in_use(t, s, addr, port)) {
        return Errno::EADDRINUSE;
    }
    s.local_addr = addr;
    s.local_port = port;
    t.bound.push_back(s);
    return {};
}

bool port_usable_for_listen(PortTable& t, InetSocket& s) LV_REQUIRES_GIANT { return !in_use(t, s, s.local_addr, s.local_port); }

void unbind_port(PortTable& t, InetSocket& s) {
    if (s.bind_node.linked()) t.bound.remove(s);
}
} // namespace net::inet
