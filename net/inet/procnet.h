// The files of /proc/net (procfs lists them from here): dev (interface counters, what
// ifconfig shows), route (the routing table, what route and netstat -r read), arp,
// tcp, udp, raw (sockets, what netstat reads), and pnp (the boot configuration's name
// servers, which a /etc/resolv.conf link can point to, as with Linux's ip=).
// Formats are Linux's, column for column.
#pragma once

namespace net::inet {
// Registers the files with procfs (fs/procfs.h); called by init().
void register_proc_net_files();
} // namespace net::inet
