// Parsing the ip= boot option (net/inet/config.h): pure code, also built into the host
// unit tests (tests/host/inet_test.cpp).
#include <lib/string.h>
#include <net/inet/config.h>

namespace net::inet {
namespace {
// The next ':'-separated field of s; advances s past it.
lv::StringView next_field(const char*& s) {
    const char* start = s;
    while (*s && *s != ':') s++;
    lv::StringView f(start, size_t(s - start));
    if (*s == ':') s++;
    return f;
}

bool parse_addr_field(lv::StringView f, u32& out) {
    if (f.empty()) return true; // keep the default
    return parse_ipv4(f.data, f.size, out);
}
} // namespace

bool parse_ipv4(const char* s, size_t len, u32& out) {
    u32 value = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part && (i >= len || s[i++] != '.')) return false;
        size_t digits = 0;
        u32 n = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
            n = n * 10 + u32(s[i++] - '0');
            digits++;
        }
        if (!digits || n > 255) return false;
        value = value << 8 | n;
    }
    if (i != len) return false;
    out = value;
    return true;
}

bool parse_ip_option(const char* value, IpConfig& out) {
    if (strcmp(value, "off") == 0 || strcmp(value, "none") == 0) {
        out.enabled = false;
        return true;
    }
    const char* s = value;
    IpConfig c = out;
    lv::StringView client = next_field(s), server = next_field(s), gw = next_field(s), mask = next_field(s);
    lv::StringView host = next_field(s), dev = next_field(s), autoconf = next_field(s);
    lv::StringView dns0 = next_field(s), dns1 = next_field(s);
    u32 unused_server = 0;
    if (!parse_addr_field(client, c.addr) || !parse_addr_field(server, unused_server) ||
        !parse_addr_field(gw, c.gateway) || !parse_addr_field(mask, c.netmask) || !parse_addr_field(dns0, c.dns[0]) ||
        !parse_addr_field(dns1, c.dns[1]))
        return false;
    // A netmask must be contiguous ones.
    if (c.netmask && (~c.netmask & (~c.netmask + 1))) return false;
    if (host.size >= sizeof c.hostname || dev.size >= sizeof c.device) return false;
    memcpy(c.hostname, host.data, host.size);
    c.hostname[host.size] = 0;
    memcpy(c.device, dev.data, dev.size);
    c.device[dev.size] = 0;
    // Only static configuration: autoconf must be off/none (or empty with a client address).
    if (!autoconf.empty() && !(autoconf == "off") && !(autoconf == "none")) return false;
    c.enabled = true;
    out = c;
    return true;
}

} // namespace net::inet
