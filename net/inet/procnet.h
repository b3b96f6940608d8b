// The files of /proc/net (procfs lists them from here): dev (interface counters, what
// ifconfig shows), route (the routing table, what route and netstat -r read), arp,
// tcp, udp, raw (sockets, what netstat reads), and pnp (the boot configuration's name
// servers, which a /etc/resolv.conf link can point to, as with Linux's ip=).
// Formats are Linux's, column for column.
#pragma once
#include <lib/format.h>

namespace net::inet {
struct ProcNetFile {
    const char* name;
    void (*generate)(lv::PutChar put, void* ctx);
};
const ProcNetFile* proc_net_files(size_t& count);
} // namespace net::inet
