// The levitate.nettest boot option: each interface asks QEMU's user network for its
// gateway's address (an ARP request for 10.0.2.2 from 10.0.2.15, RFC 826) and logs
// the reply, proving that frames go out and come back before any IP stack exists.
//   ./levitate exec --net --append levitate.nettest --verbose -- /bin/true
#include <drivers/net/net_device.h>
#include <drivers/net/selftest.h>
#include <kernel/cmdline.h>
#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <kernel/time.h>
#include <lib/string.h>

namespace drivers::net {
namespace {
constexpr u8 kGatewayIp[4] = {10, 0, 2, 2}, kGuestIp[4] = {10, 0, 2, 15};
constexpr u64 kWaitNs = 2 * kernel::time::kNsPerSec;

void build_request(const NetDevice& d, u8* f) {
    memset(f, 0xff, 6);                  // broadcast
    memcpy(f + 6, d.mac.bytes, 6);
    f[12] = 0x08, f[13] = 0x06;          // ARP
    f[14] = 0, f[15] = 1;                // hardware: Ethernet
    f[16] = 0x08, f[17] = 0x00;          // protocol: IPv4
    f[18] = 6, f[19] = 4;                // address lengths
    f[20] = 0, f[21] = 1;                // request
    memcpy(f + 22, d.mac.bytes, 6);      // sender MAC
    memcpy(f + 28, kGuestIp, 4);         // sender IP
    memset(f + 32, 0, 6);                // target MAC: unknown
    memcpy(f + 38, kGatewayIp, 4);       // target IP
}

bool is_reply(const u8* f, size_t len) {
    return len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 &&
           memcmp(f + 28, kGatewayIp, 4) == 0;
}

// Sends `count` requests, then counts replies for up to 2 s; the last reply's sender
// MAC goes to `mac`.
u32 exchange(NetDevice& d, u32 count, u8* mac) {
    u8 frame[42];
    build_request(d, frame);
    for (u32 i = 0; i < count; i++) {
        auto r = d.send(frame, sizeof frame);
        if (r.is_error()) {
            log_error("nettest: %s: sending an ARP request failed (errno %d)", d.name, int(r.error()));
            return 0;
        }
    }
    u32 replies = 0;
    u64 deadline = kernel::time::monotonic_ns() + kWaitNs;
    while (replies < count && kernel::time::monotonic_ns() < deadline) {
        Frame* f = d.receive();
        if (!f) {
            kernel::giant::Section g;
            (void)d.rx_wait().wait_interruptible_for(deadline - kernel::time::monotonic_ns());
            continue;
        }
        if (is_reply(f->data(), f->len)) {
            replies++;
            memcpy(mac, f->data() + 22, 6);
        }
        f->release();
    }
    return replies;
}

// Results are logged at warning level so that they show under `quiet` (exec mode).
void test(NetDevice& d) {
    u8 m[6];
    if (exchange(d, 1, m) != 1) {
        log_error("nettest: %s: no ARP reply from 10.0.2.2 within 2 s (rx %lu frames)", d.name, d.rx_packets);
        return;
    }
    log_warn("nettest: %s: ARP reply: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x", d.name, m[0], m[1], m[2], m[3],
             m[4], m[5]);
    // More frames than either ring holds: descriptors and buffers must be recycled.
    constexpr u32 kBurst = 300;
    u32 got = exchange(d, kBurst, m);
    if (got == kBurst) log_warn("nettest: %s: %u/%u replies to a burst of requests", d.name, got, kBurst);
    else log_error("nettest: %s: only %u/%u replies to a burst of requests (rx dropped %lu)", d.name, got, kBurst, d.rx_dropped);
}
} // namespace

void run_selftest(const char* cmdline) {
    if (!kernel::cmdline::flag(cmdline, "levitate.nettest")) return;
    if (!device_at(0)) log_error("nettest: no network interface (start with --net)");
    for (size_t i = 0; NetDevice* d = device_at(i); i++) test(*d);
}
} // namespace drivers::net
