#include <kernel/cmdline.h>
#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <lib/string.h>
#include <net/ethernet.h>
#include <net/inet/config.h>
#include <net/inet/netd.h>
#include <net/inet/procnet.h>
#include <net/inet/route.h>
#include <net/loopback.h>

namespace net::inet {
namespace {
IpConfig g_config;
bool g_configured = false; // the boot interface got its address
bool g_initialized = false; // init() has read the command line

} // namespace

const IpConfig& boot_config() { return g_config; }

void configure_if_boot_interface(EthernetInterface& iface) LV_REQUIRES_GIANT {
    if (!g_initialized || g_configured || !g_config.enabled) return;
    if (g_config.device[0] && strcmp(g_config.device, iface.name) != 0) return;
    g_configured = true;
    set_interface_address(iface, g_config.addr, g_config.netmask);
    iface.flags |= kIffUp;
    update_connected_route(iface);
    if (g_config.gateway && route_add(0, 0, g_config.gateway, &iface, 0).is_error())
        log_warn("net: cannot add the default route");
    log_info("net: %s " IP_FMT "/%d gateway " IP_FMT, iface.name, IP_ARGS(g_config.addr),
             prefix_length(g_config.netmask), IP_ARGS(g_config.gateway));
}

void init(const char* cmdline) {
    register_proc_net_files();
    char value[160];
    if (kernel::cmdline::get(cmdline, "ip", value, sizeof value) && !parse_ip_option(value, g_config)) {
        log_warn("net: cannot parse ip=%s; using the defaults", value);
        g_config = IpConfig {};
    }
    char drop[12];
    if (kernel::cmdline::get(cmdline, "levitate.netdrop", drop, sizeof drop)) {
        u32 n = 0;
        for (const char* c = drop; *c >= '0' && *c <= '9'; c++) n = n * 10 + u32(*c - '0');
        set_test_frame_drop(n);
        if (n) log_warn("net: dropping every %u-th Ethernet frame each way (levitate.netdrop)", n);
    }
    kernel::giant::Section g;
    g_initialized = true;
    create_loopback();
    start_net_thread();
    // Interfaces registered before this point get their configuration now.
    for (Interface& i : interfaces())
        if (!i.is_loopback() && i.hw_type == kArphrdEther) configure_if_boot_interface(static_cast<EthernetInterface&>(i));
}
} // namespace net::inet
