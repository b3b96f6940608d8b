#include <lib/alloc.h>
#include <lib/string.h>
#include <net/inet/ipv4.h>
#include <net/inet/netd.h>
#include <net/inet/route.h>
#include <net/loopback.h>

namespace net::inet {
namespace {
class Loopback final : public Interface {
public:
    Loopback() {
        memcpy(name, "lo", 3);
        flags = kIffUp | kIffLoopback | kIffRunning | kIffLowerUp;
        mtu = 65536;
        hw_type = kArphrdLoopback;
    }

    void send_ipv4(lv::OwnPtr<Packet> p, u32) LV_REQUIRES_GIANT override {
        // Counted once as sent and once as received, as Linux's lo does.
        stats.tx_packets++;
        stats.tx_bytes += p->length();
        queue_received(*this, lv::move(p));
    }

    void receive(lv::OwnPtr<Packet> p) LV_REQUIRES_GIANT override {
        stats.rx_packets++;
        stats.rx_bytes += p->length();
        ipv4_receive(lv::move(p));
    }
};
} // namespace

void create_loopback() LV_REQUIRES_GIANT {
    static bool created = false;
    if (created) return;
    created = true;
    static Loopback lo;
    register_interface(lo);
    set_interface_address(lo, kInaddrLoopback, 0xff000000);
}
} // namespace net::inet
