// The virtio-mmio transport (virtio 1.2, 4.2.2), version 2 register layout. The device
// tree lists one "virtio,mmio" node per slot (QEMU -M virt has 32, most empty: device
// ID 0). QEMU offers the legacy version 1 layout unless started with
// `-global virtio-mmio.force-legacy=false`; that layout (4.2.4) is not supported.
#include <arch/interface.h>
#include <drivers/virtio/virtio.h>
#include <kernel/log.h>
#include <lib/alloc.h>
#include <lib/format.h>

namespace drivers::virtio {
namespace {
constexpr u32 kMagic = 0x74726976; // "virt"
enum : u32 {
    kRegMagic = 0x000, kRegVersion = 0x004, kRegDeviceId = 0x008, kRegDeviceFeatures = 0x010,
    kRegDeviceFeaturesSel = 0x014, kRegDriverFeatures = 0x020, kRegDriverFeaturesSel = 0x024,
    kRegQueueSel = 0x030, kRegQueueNumMax = 0x034, kRegQueueNum = 0x038, kRegQueueReady = 0x044,
    kRegQueueNotify = 0x050, kRegInterruptStatus = 0x060, kRegInterruptAck = 0x064,
    kRegStatus = 0x070, kRegQueueDescLow = 0x080, kRegQueueDriverLow = 0x090,
    kRegQueueDeviceLow = 0x0a0, kRegConfigGeneration = 0x0fc, kRegConfig = 0x100,
};

class MmioTransport final : public Transport {
public:
    volatile u8* regs = nullptr;
    u32 irq = 0;
    bool edge = false;
    u32 type = 0;
    char label[32];

    u32 r(u32 off) { return *reinterpret_cast<volatile u32*>(regs + off); }
    void w(u32 off, u32 v) { *reinterpret_cast<volatile u32*>(regs + off) = v; }

    const char* name() const override { return label; }
    u32 device_type() const override { return type; }
    void reset() override {
        w(kRegStatus, 0);
        while (r(kRegStatus) != 0) {}
    }
    u8 status() override { return u8(r(kRegStatus)); }
    void set_status(u8 s) override { w(kRegStatus, s); }
    u64 device_features() override {
        w(kRegDeviceFeaturesSel, 0);
        u64 lo = r(kRegDeviceFeatures);
        w(kRegDeviceFeaturesSel, 1);
        return lo | u64(r(kRegDeviceFeatures)) << 32;
    }
    void set_driver_features(u64 f) override {
        w(kRegDriverFeaturesSel, 0);
        w(kRegDriverFeatures, u32(f));
        w(kRegDriverFeaturesSel, 1);
        w(kRegDriverFeatures, u32(f >> 32));
    }
    u32 config_generation() override { return r(kRegConfigGeneration); }
    u8 config_read8(u32 off) override { return regs[kRegConfig + off]; }
    u16 config_read16(u32 off) override { return *reinterpret_cast<volatile u16*>(regs + kRegConfig + off); }
    u32 config_read32(u32 off) override { return r(kRegConfig + off); }
    u16 queue_max_size(u16 index) override {
        w(kRegQueueSel, index);
        if (r(kRegQueueReady)) return 0; // in use already
        return u16(min<u32>(r(kRegQueueNumMax), 0x8000));
    }
    ErrorOr<void> enable_queue(u16 index, u16 size, PhysAddr desc, PhysAddr avail, PhysAddr used) override {
        w(kRegQueueSel, index);
        w(kRegQueueNum, size);
        w(kRegQueueDescLow, u32(desc)), w(kRegQueueDescLow + 4, u32(desc >> 32));
        w(kRegQueueDriverLow, u32(avail)), w(kRegQueueDriverLow + 4, u32(avail >> 32));
        w(kRegQueueDeviceLow, u32(used)), w(kRegQueueDeviceLow + 4, u32(used >> 32));
        w(kRegQueueReady, 1);
        return {};
    }
    void notify(u16 index) override { w(kRegQueueNotify, index); }
    ErrorOr<void> setup_interrupt(void (*cb)(void*), void* ctx, bool) override {
        if (!irq) return Errno::ENODEV;
        if (!arch::register_irq_line(irq, edge, cb, ctx)) return Errno::EBUSY;
        return {};
    }
    u32 ack_interrupt() override {
        // Bit 0: used buffers; bit 1: configuration change. Acknowledge before the
        // driver looks at its queues, so that later completions raise a new interrupt.
        u32 s = r(kRegInterruptStatus);
        if (s) w(kRegInterruptAck, s);
        return s;
    }
};
} // namespace

void probe_mmio_devices() {
    arch::PlatformDevice devs[64];
    size_t n = arch::platform_devices("virtio,mmio", devs, 64);
    // QEMU's -M virt gives the first -device the highest transport address
    // (create_virtio_devices in hw/arm/virt.c): probing from the top makes the first
    // disk vda, as on x86_64 where PCI slots follow the command line.
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && devs[j - 1].base < devs[j].base; j--) lv::swap(devs[j - 1], devs[j]);
    for (size_t i = 0; i < n; i++) {
        auto* regs = static_cast<volatile u8*>(arch::map_mmio(devs[i].base, max<u64>(devs[i].size, 0x200)));
        if (!regs) continue;
        auto reg = [&](u32 off) { return *reinterpret_cast<volatile u32*>(regs + off); };
        if (reg(kRegMagic) != kMagic) continue;
        u32 id = reg(kRegDeviceId);
        if (id == 0) continue; // an empty slot
        if (reg(kRegVersion) != 2) {
            log_warn("virtio mmio 0x%lx: version %u (legacy) device: not supported; start QEMU with "
                     "-global virtio-mmio.force-legacy=false", devs[i].base, reg(kRegVersion));
            continue;
        }
        auto* t = lv::make<MmioTransport>();
        if (!t) return;
        t->regs = regs;
        t->irq = devs[i].irq;
        t->edge = devs[i].edge;
        t->type = id;
        lv::snprintf(t->label, sizeof t->label, "mmio 0x%lx", devs[i].base);
        attach(t);
    }
}
} // namespace drivers::virtio
