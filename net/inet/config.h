// Boot-time configuration of the stack: the loopback interface, the net thread and
// the static address of the first Ethernet interface, from the kernel command line in
// Linux's nfsroot form (Documentation/admin-guide/nfs/nfsroot.rst):
//
//   ip=<client-ip>:<server-ip>:<gw-ip>:<netmask>:<hostname>:<device>:<autoconf>:<dns0-ip>:<dns1-ip>
//
// Empty fields keep their defaults; `ip=off` (or `none`) leaves Ethernet unconfigured.
// Without ip= the defaults are QEMU's user network: 10.0.2.15/24, gateway 10.0.2.2,
// DNS 10.0.2.3.
#pragma once
#include <kernel/sync/giant.h>
#include <lib/types.h>

namespace net::inet {
class EthernetInterface;

struct IpConfig {
    bool enabled = true;
    u32 addr = 0x0a00020f;    // 10.0.2.15
    u32 netmask = 0xffffff00;
    u32 gateway = 0x0a000202; // 10.0.2.2
    u32 dns[2] = {0x0a000203, 0};
    char device[16] = {};     // empty: the first Ethernet interface
    char hostname[65] = {};
};
// Parses the value of ip= into `out` (which holds the defaults). False if malformed.
bool parse_ip_option(const char* value, IpConfig& out);
// Parses a dotted quad (exactly four decimal parts); false if malformed.
bool parse_ipv4(const char* s, size_t len, u32& out);

// At boot, before drivers register interfaces.
void init(const char* cmdline);
// At boot, after the drivers found their devices: an Ethernet interface for each
// NetDevice (net/ethernet_netdev.cpp); the first (or ip=...'s device) is configured.
void attach_net_devices();
// Called by register_ethernet: gives the boot configuration to the interface it names.
void configure_if_boot_interface(EthernetInterface& iface) LV_REQUIRES_GIANT;
const IpConfig& boot_config();
} // namespace net::inet
