// Interface and routing ioctls on a socket (Linux's dev_ioctl, devinet_ioctl and
// ip_rt_ioctl): what ifconfig and route use. SIOCGIFCONF lists the interfaces that
// have an IPv4 address; SIOCGIF* read one interface's name, index, flags, addresses,
// hardware address, MTU, metric, map and queue length; SIOCSIF* (root only) change
// flags, addresses, netmask, broadcast and MTU; SIOCADDRT/SIOCDELRT edit the table.
#pragma once
#include <lib/result.h>

namespace net::inet {
// ENOTTY when `request` is none of these (the caller tries its own next).
ErrorOr<long> interface_ioctl(u32 request, u64 arg);
} // namespace net::inet
