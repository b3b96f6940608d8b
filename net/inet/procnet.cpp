#include <fs/procfs.h>
#include <kernel/sync/giant.h>
#include <lib/string.h>
#include <net/ethernet.h>
#include <net/inet/config.h>
#include <net/inet/ports.h>
#include <net/inet/procnet.h>
#include <net/inet/raw.h>
#include <net/inet/route.h>
#include <net/inet/tcp.h>
#include <net/inet/udp.h>
#include <net/unix/unix_socket.h>

namespace net::inet {
namespace {
struct Out {
    lv::PutChar put;
    void* ctx;
    size_t col = 0; // characters on the current line
    void printf(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        va_list ap;
        va_start(ap, fmt);
        lv::vformat(
            [](void* self, char c) {
                auto* o = static_cast<Out*>(self);
                o->put(o->ctx, c);
                o->col = c == '\n' ? 0 : o->col + 1;
            },
            this, fmt, ap);
        va_end(ap);
    }
    // Pads the line with spaces to `width` characters and ends it (seq_pad).
    void end_line(size_t width) {
        while (col < width) printf(" ");
        printf("\n");
    }
};

// Addresses as Linux prints them: the network-order word read as a host integer.
u32 wire(u32 host_order) { return htonl(host_order); }

void gen_dev(lv::PutChar put, void* ctx) {
    Out o {put, ctx};
    o.printf("Inter-|   Receive                                                |  Transmit\n");
    o.printf(" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
             "carrier compressed\n");
    kernel::giant::Section g;
    for (Interface& i : interfaces()) {
        const InterfaceStats& s = i.stats;
        o.printf("%6s: %7lu %7lu %4lu %4lu %4u %5u %10u %9u %8lu %7lu %4lu %4lu %4u %5u %7u %10u\n", i.name, s.rx_bytes,
                 s.rx_packets, s.rx_errors, s.rx_dropped, 0u, 0u, 0u, 0u, s.tx_bytes, s.tx_packets, s.tx_errors,
                 s.tx_dropped, 0u, 0u, 0u, 0u);
    }
}

void gen_route(lv::PutChar put, void* ctx) {
    Out o {put, ctx};
    o.printf("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT");
    o.end_line(127);
    kernel::giant::Section g;
    size_t n;
    const Route* r = routes(n);
    for (size_t k = 0; k < n; k++) {
        u32 flags = 0x1 /* RTF_UP */ | (r[k].gateway ? 0x2 /* RTF_GATEWAY */ : 0) | (r[k].mask == 0xffffffff ? 0x4 : 0);
        o.printf("%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u", r[k].iface->name, wire(r[k].dest),
                 wire(r[k].gateway), flags, 0, 0u, int(r[k].metric), wire(r[k].mask), 0, 0u, 0u);
        o.end_line(127);
    }
}

void gen_arp(lv::PutChar put, void* ctx) {
    Out o {put, ctx};
    o.printf("IP address       HW type     Flags       HW address            Mask     Device\n");
    kernel::giant::Section g;
    for (Interface& i : interfaces()) {
        if (i.hw_type != kArphrdEther) continue;
        static_cast<EthernetInterface&>(i).arp.for_each([&](u32 ip, const MacAddr& m) {
            char addr[16];
            lv::snprintf(addr, sizeof addr, IP_FMT, IP_ARGS(ip));
            o.printf("%-16s 0x%-10x0x%-10x%02x:%02x:%02x:%02x:%02x:%02x     *        %s\n", addr, 1u, 2u, m.b[0],
                     m.b[1], m.b[2], m.b[3], m.b[4], m.b[5], i.name);
        });
    }
}

// The state numbers of /proc/net/tcp (include/net/tcp_states.h).
int linux_state(TcpState s) {
    switch (s) {
    case TcpState::Established: return 1;
    case TcpState::SynSent: return 2;
    case TcpState::SynReceived: return 3;
    case TcpState::FinWait1: return 4;
    case TcpState::FinWait2: return 5;
    case TcpState::TimeWait: return 6;
    case TcpState::Closed: return 7;
    case TcpState::CloseWait: return 8;
    case TcpState::LastAck: return 9;
    case TcpState::Listen: return 10;
    case TcpState::Closing: return 11;
    }
    return 7;
}

void socket_line(Out& o, int sl, const InetSocket& s, int state, u32 tx, u32 rx) LV_REQUIRES_GIANT {
    o.printf("%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08X %08X %5u %8d %lu %d %016x %u %u %u %u %d", sl,
             wire(s.local_addr), s.local_port, wire(s.remote_addr), s.remote_port, state, tx, rx, 0, 0u, 0u, s.uid,
             0, s.ino, 1, 0u, 100u, 0u, 0u, 10u, 0);
}

void gen_tcp(lv::PutChar put, void* ctx) {
    Out o {put, ctx};
    o.printf("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
    o.end_line(149);
    kernel::giant::Section g;
    int sl = 0;
    for (InetSocket& s : tcp_ports().bound) {
        auto& t = static_cast<TcpSocket&>(s);
        TcpSocket::Queues q = t.queues();
        socket_line(o, sl++, s, linux_state(t.state()), q.tx, q.rx);
        o.end_line(149);
    }
}

void gen_datagram(Out& o, DatagramSocket& s, int sl) LV_REQUIRES_GIANT {
    // UDP sockets show TCP_ESTABLISHED when connected, TCP_CLOSE otherwise.
    u32 rx = u32(s.unread_bytes().value());
    o.printf("%5d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08X %08X %5u %8d %lu %d %016x %u", sl, wire(s.local_addr),
             s.local_port, wire(s.remote_addr), s.remote_port, s.has_peer() ? 1 : 7, 0u, rx, 0, 0u, 0u, s.uid, 0,
             s.ino, 2, 0u, 0u);
    o.end_line(127);
}

void gen_udp(lv::PutChar put, void* ctx) {
    Out o {put, ctx};
    o.printf("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref "
             "pointer drops");
    o.end_line(127);
    kernel::giant::Section g;
    int sl = 0;
    for (InetSocket& s : udp_ports().bound) gen_datagram(o, static_cast<UdpSocket&>(s), sl++);
}

void gen_raw(lv::PutChar put, void* ctx) {
    Out o {put, ctx};
    o.printf("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref "
             "pointer drops");
    o.end_line(127);
    kernel::giant::Section g;
    int sl = 0;
    for_each_raw_socket([&](RawSocket& s) LV_REQUIRES_GIANT { gen_datagram(o, s, sl++); });
}

void gen_pnp(lv::PutChar put, void* ctx) {
    Out o {put, ctx};
    const IpConfig& c = boot_config();
    if (!c.enabled) return;
    o.printf("#PROTO: MANUAL\n");
    for (u32 dns : c.dns)
        if (dns) o.printf("nameserver " IP_FMT "\n", IP_ARGS(dns));
}

const fs::ProcNetFile kFiles[] = {
    {"arp", gen_arp}, {"dev", gen_dev}, {"pnp", gen_pnp}, {"raw", gen_raw},
    {"route", gen_route}, {"tcp", gen_tcp}, {"udp", gen_udp},
    {"unix", af_unix::UnixSocket::proc_net_unix}, // net/unix/unix_proc.cpp
};
} // namespace

void register_proc_net_files() { fs::register_proc_net_files(kFiles, sizeof kFiles / sizeof kFiles[0]); }
} // namespace net::inet
