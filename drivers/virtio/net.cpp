// virtio-net (virtio 1.2, 5.1): receive queue 0 and transmit queue 1. No offloads are
// negotiated, so frames come and go whole, with their checksums; every buffer starts
// with a 12-byte virtio_net_hdr (all zero on transmit). Receive buffers are posted up
// front and posted again once the interrupt has copied their frame out.
#include <drivers/net/net_device.h>
#include <drivers/virtio/virtqueue.h>
#include <kernel/sync/giant.h>
#include <kernel/log.h>
#include <kernel/work.h>
#include <lib/alloc.h>
#include <lib/string.h>
#include <mm/phys.h>

namespace drivers::virtio {
namespace {
constexpr u64 kFeatureMtu = 1ull << 3, kFeatureMac = 1ull << 5, kFeatureStatus = 1ull << 16;
enum : u32 { kConfigMac = 0, kConfigStatus = 6, kConfigMtu = 10 };
constexpr u16 kStatusLinkUp = 1;
constexpr u32 kHeaderLen = 12; // struct virtio_net_hdr with num_buffers (VERSION_1)
constexpr u32 kRxBufferLen = 2048; // header + a 1514-byte frame, without MRG_RXBUF
constexpr u16 kQueueSize = 128;
constexpr u32 kRxQueue = 0, kTxQueue = 1;

class VirtioNet final : public net::NetDevice {
public:
    explicit VirtioNet(Transport& t) : m_transport(t) {}

    ErrorOr<void> init() {
        m_features = TRY(begin_init(m_transport, kFeatureMac | kFeatureStatus | kFeatureMtu));
        if (m_features & kFeatureMac) {
            for (u32 i = 0; i < 6; i++) mac.bytes[i] = m_transport.config_read8(kConfigMac + i);
        } else {
            // No address from the device: a locally administered one (QEMU's prefix).
            const u8 fallback[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
            memcpy(mac.bytes, fallback, 6);
        }
        if (m_features & kFeatureMtu) mtu = min<u32>(m_transport.config_read16(kConfigMtu), kRxBufferLen - kHeaderLen - 14);
        // Link changes come as configuration-change interrupts (5.1.4.2).
        TRY(m_transport.setup_interrupt(interrupt, this, m_features & kFeatureStatus));
        m_link = link_up();
        m_rx = TRY(Virtqueue::create(m_transport, kRxQueue, kQueueSize));
        m_tx = TRY(Virtqueue::create(m_transport, kTxQueue, kQueueSize));
        // Receive buffers: one frame of kmalloc memory each (direct-mapped, contiguous).
        {
            kernel::giant::Section g;
            for (u16 i = 0; i < m_rx->size(); i++) {
                void* buf = kmalloc(kRxBufferLen);
                if (!buf) break;
                post_rx(buf);
            }
            m_rx->kick();
        }
        driver_ok(m_transport);
        return {};
    }

    bool link_up() const override {
        if (!(m_features & kFeatureStatus)) return true; // no status: always up (5.1.4.2)
        return m_transport.config_read16(kConfigStatus) & kStatusLinkUp;
    }

    ErrorOr<void> send(const u8* frame, size_t len) override {
        if (len < net::kEthHeaderLen) return Errno::EINVAL;
        if (len > mtu + net::kEthHeaderLen) return Errno::EMSGSIZE;
        size_t wire = max(len, net::kEthMinFrame);
        auto* buf = static_cast<u8*>(kzalloc(kHeaderLen + wire)); // header zero: no offloads
        if (!buf) return Errno::ENOMEM;
        memcpy(buf + kHeaderLen, frame, len);
        Virtqueue::Segment seg {mm::virt_to_phys(buf), u32(kHeaderLen + wire), false};
        kernel::giant::Section g;
        // The ring is full only if the device stopped taking frames: wait a little.
        for (int tries = 0; !m_tx->add(&seg, 1, buf); tries++) {
            if (tries == 10 || m_tx_space.wait_interruptible_for(10'000'000).error() == Errno::EINTR) {
                kfree(buf);
                tx_dropped++;
                return Errno::ENOBUFS;
            }
        }
        m_tx->kick();
        tx_packets++;
        tx_bytes += len;
        return {};
    }

private:
    void post_rx(void* buf) {
        Virtqueue::Segment seg {mm::virt_to_phys(buf), kRxBufferLen, true};
        if (!m_rx->add(&seg, 1, buf)) kfree(buf); // cannot happen: one buffer per slot
    }

    // The interrupt handler, without the giant lock: it acknowledges the interrupt (which
    // lowers a level-triggered line) and leaves the rest to the work thread, since the
    // rings and the stack's receive path are under the giant lock.
    static void interrupt(void* ctx) {
        auto* self = static_cast<VirtioNet*>(ctx);
        __atomic_fetch_or(&self->m_irq_why, self->m_transport.ack_interrupt(), __ATOMIC_RELAXED);
        kernel::work::queue(self->m_work);
    }

    // The work (kernel/work.h), holding the giant lock: the link's state, the frames
    // received, the transmit buffers the device is done with.
    static void service(void* ctx) LV_REQUIRES_GIANT {
        auto* self = static_cast<VirtioNet*>(ctx);
        u32 why = __atomic_exchange_n(&self->m_irq_why, 0u, __ATOMIC_RELAXED);
        if ((why & Transport::kIrqConfig) && (self->m_features & kFeatureStatus)) {
            bool up = self->link_up();
            if (up != self->m_link) {
                self->m_link = up;
                self->link_changed();
            }
        }
        if (!self->m_rx || !self->m_tx) return;
        void* token;
        u32 written;
        bool reposted = false;
        while (self->m_rx->pop(token, written)) {
            auto* buf = static_cast<u8*>(token);
            if (written > kHeaderLen) self->deliver_received(buf + kHeaderLen, written - kHeaderLen);
            self->post_rx(buf);
            reposted = true;
        }
        if (reposted) self->m_rx->kick();
        bool freed = false;
        while (self->m_tx->pop(token, written)) {
            kfree(token);
            freed = true;
        }
        if (freed) self->m_tx_space.wake_all();
    }

    Transport& m_transport;
    u64 m_features = 0;
    Virtqueue* m_rx = nullptr;
    Virtqueue* m_tx = nullptr;
    kernel::WaitQueue m_tx_space;
    bool m_link = true; // as last seen, for link_changed()
    u32 m_irq_why = 0;   // Transport::kIrq* bits acknowledged, not yet serviced (atomic)
    kernel::work::Item m_work {service, this};
};
} // namespace

ErrorOr<void> probe_net(Transport& t) {
    auto* d = lv::make<VirtioNet>(t);
    if (!d) return Errno::ENOMEM;
    auto r = d->init();
    if (r.is_error()) {
        fail(t);
        return r.error(); // FIXME: `d` stays allocated: its interrupt may be registered
    }
    TRY(net::register_device(*d));
    return {};
}
} // namespace drivers::virtio
