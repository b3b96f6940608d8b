// The virtio-pci transport, modern interface (virtio 1.2, 4.1): vendor-specific PCI
// capabilities locate the common, notification, ISR and device configuration
// structures in the function's memory BARs. Interrupts are MSI-X.
#include <drivers/pci/pci.h>
#include <drivers/virtio/virtio.h>
#include <kernel/log.h>
#include <lib/alloc.h>
#include <lib/format.h>

namespace drivers::virtio {
namespace {
constexpr u16 kVendorVirtio = 0x1af4;
constexpr u16 kNoVector = 0xffff;
// struct virtio_pci_cap cfg_type values (4.1.4).
enum : u8 { kCapCommon = 1, kCapNotify = 2, kCapIsr = 3, kCapDevice = 4 };
// struct virtio_pci_common_cfg (4.1.4.3).
enum : u32 {
    kDeviceFeatureSelect = 0x00, kDeviceFeature = 0x04, kDriverFeatureSelect = 0x08,
    kDriverFeature = 0x0c, kConfigMsixVector = 0x10, kNumQueues = 0x12, kDeviceStatus = 0x14,
    kConfigGeneration = 0x15, kQueueSelect = 0x16, kQueueSize = 0x18, kQueueMsixVector = 0x1a,
    kQueueEnable = 0x1c, kQueueNotifyOff = 0x1e, kQueueDesc = 0x20, kQueueDriver = 0x28,
    kQueueDevice = 0x30,
};

class PciTransport final : public Transport {
public:
    pci::Function fn;
    pci::MsiX msix;
    volatile u8* common = nullptr;
    volatile u8* notify_base = nullptr;
    u32 notify_multiplier = 0;
    volatile u8* isr = nullptr;
    volatile u8* device = nullptr;
    u32 type = 0;
    char label[24];

    const char* name() const override { return label; }
    u32 device_type() const override { return type; }

    u8 r8(u32 off) { return common[off]; }
    u16 r16(u32 off) { return *reinterpret_cast<volatile u16*>(common + off); }
    u32 r32(u32 off) { return *reinterpret_cast<volatile u32*>(common + off); }
    void w8(u32 off, u8 v) { common[off] = v; }
    void w16(u32 off, u16 v) { *reinterpret_cast<volatile u16*>(common + off) = v; }
    void w32(u32 off, u32 v) { *reinterpret_cast<volatile u32*>(common + off) = v; }
    void w64(u32 off, u64 v) { w32(off, u32(v)), w32(off + 4, u32(v >> 32)); }

    void reset() override {
        w8(kDeviceStatus, 0);
        while (r8(kDeviceStatus) != 0) {} // 4.1.4.3.2: reset is done when it reads 0
    }
    u8 status() override { return r8(kDeviceStatus); }
    void set_status(u8 s) override { w8(kDeviceStatus, s); }
    u64 device_features() override {
        w32(kDeviceFeatureSelect, 0);
        u64 lo = r32(kDeviceFeature);
        w32(kDeviceFeatureSelect, 1);
        return lo | u64(r32(kDeviceFeature)) << 32;
    }
    void set_driver_features(u64 f) override {
        w32(kDriverFeatureSelect, 0);
        w32(kDriverFeature, u32(f));
        w32(kDriverFeatureSelect, 1);
        w32(kDriverFeature, u32(f >> 32));
    }
    u32 config_generation() override { return r8(kConfigGeneration); }
    u8 config_read8(u32 off) override { return device[off]; }
    u16 config_read16(u32 off) override { return *reinterpret_cast<volatile u16*>(device + off); }
    u32 config_read32(u32 off) override { return *reinterpret_cast<volatile u32*>(device + off); }

    u16 queue_max_size(u16 index) override {
        if (index >= r16(kNumQueues)) return 0;
        w16(kQueueSelect, index);
        return r16(kQueueSize);
    }
    ErrorOr<void> enable_queue(u16 index, u16 size, PhysAddr desc, PhysAddr avail, PhysAddr used) override {
        w16(kQueueSelect, index);
        w16(kQueueSize, size);
        w16(kQueueMsixVector, 0);
        if (r16(kQueueMsixVector) != 0) return Errno::EIO; // the device could not take the vector
        w64(kQueueDesc, desc);
        w64(kQueueDriver, avail);
        w64(kQueueDevice, used);
        w16(kQueueEnable, 1);
        return {};
    }
    void notify(u16 index) override {
        w16(kQueueSelect, index);
        u16 off = r16(kQueueNotifyOff);
        *reinterpret_cast<volatile u16*>(notify_base + u32(off) * notify_multiplier) = index;
    }
    ErrorOr<void> setup_interrupt(void (*cb)(void*), void* ctx, bool config_changes) override {
        // FIXME: without MSI-X, INTx through the IOAPIC needs the ACPI _PRT routing.
        if (!msix.init(fn)) return Errno::ENODEV;
        if (!msix.route(0, cb, ctx)) return Errno::EBUSY;
        msix.enable();
        // Configuration changes share entry 0 with the queues (or are not signalled).
        w16(kConfigMsixVector, config_changes ? 0 : kNoVector);
        if (config_changes && r16(kConfigMsixVector) != 0) return Errno::EIO;
        return {};
    }
    u32 ack_interrupt() override { return kIrqQueues | kIrqConfig; } // MSI-X: nothing to acknowledge
};

// Maps the structure a virtio_pci_cap at `cap` points to; null if unusable.
volatile u8* map_cap(pci::Function& f, u8 cap) {
    u8 bar = f.read8(u16(cap + 4));
    u32 offset = f.read32(u16(cap + 8)), length = f.read32(u16(cap + 12));
    if (bar > 5 || f.bars[bar].io || !f.bars[bar].base || u64(offset) + length > f.bars[bar].size) return nullptr;
    return static_cast<volatile u8*>(arch::map_mmio(f.bars[bar].base + offset, length ? length : 1));
}
} // namespace

bool probe_pci(pci::Function& f) {
    if (f.vendor != kVendorVirtio || f.device < 0x1000 || f.device > 0x107f) return false;
    // 0x1040 + type: modern-only; 0x1000..0x103f: transitional, the type in subsystem id.
    u32 type = f.device >= 0x1040 ? f.device - 0x1040u : f.subsys_id;
    auto* t = lv::make<PciTransport>();
    if (!t) return false;
    t->fn = f;
    t->type = type;
    lv::snprintf(t->label, sizeof t->label, "pci %02x:%02x.%x", f.bus, f.dev, f.fn);
    for (u8 cap = t->fn.find_capability(pci::kCapVendor); cap; cap = t->fn.find_capability(pci::kCapVendor, cap)) {
        u8 cfg_type = t->fn.read8(u16(cap + 3));
        volatile u8** slot = cfg_type == kCapCommon ? &t->common
                           : cfg_type == kCapNotify ? &t->notify_base
                           : cfg_type == kCapIsr    ? &t->isr
                           : cfg_type == kCapDevice ? &t->device
                                                    : nullptr;
        if (!slot || *slot) continue; // the first of each kind is the preferred one (4.1.4)
        *slot = map_cap(t->fn, cap);
        if (cfg_type == kCapNotify) t->notify_multiplier = t->fn.read32(u16(cap + 16));
    }
    if (!t->common || !t->notify_base || !t->device) {
        log_warn("virtio %s: no modern virtio capabilities (legacy-only device): not supported", t->label);
        lv::destroy(t);
        return false;
    }
    t->fn.enable(true);
    attach(t);
    return true;
}
} // namespace drivers::virtio
