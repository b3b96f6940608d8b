// The drivers' network devices (drivers/net/net_device.h: virtio-net) as Ethernet
// interfaces of the stack. Received frames come from the device's queue through its
// rx callback (interrupt context) into the net thread's queue; frames to send go to
// NetDevice::send from EthernetInterface::transmit_pending.
#include <drivers/net/net_device.h>
#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <lib/string.h>
#include <net/ethernet.h>
#include <net/inet/config.h>

namespace net::inet {
namespace {
class DeviceInterface final : public EthernetInterface {
public:
    explicit DeviceInterface(drivers::net::NetDevice& d) : m_dev(d) {
        memcpy(name, d.name, kIfNameSize);
        name[kIfNameSize - 1] = 0;
        memcpy(mac.b, d.mac.bytes, kMacLen);
        mtu = d.mtu;
        // FIXME: the link state is read once; NetDevice has no link-change callback yet.
        if (d.link_up()) flags |= kIffRunning | kIffLowerUp;
    }

    void attach() { m_dev.set_rx_callback(on_receive, this); }

protected:
    ErrorOr<void> transmit(const Packet& frame) override { return m_dev.send(frame.data(), frame.length()); }

private:
    // Interrupt context: move the device's frames into the stack's queue.
    static void on_receive(drivers::net::NetDevice& d, void* ctx) LV_REQUIRES_GIANT { // NetDevice calls it under the giant lock
        auto* self = static_cast<DeviceInterface*>(ctx);
        while (drivers::net::Frame* f = d.receive()) {
            self->frame_received(f->data(), f->len);
            f->release();
        }
    }

    drivers::net::NetDevice& m_dev;
};
} // namespace

void attach_net_devices() {
    for (size_t i = 0; drivers::net::NetDevice* d = drivers::net::device_at(i); i++) {
        auto* iface = lv::make<DeviceInterface>(*d);
        if (!iface) {
            log_error("net: no memory for interface %s", d->name);
            continue;
        }
        register_ethernet(*iface);
        iface->attach();
    }
}
} // namespace net::inet
