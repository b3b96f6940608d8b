// virtio 1.x ("modern") devices: the transport-independent part. A Transport (PCI or
// MMIO) reaches the device's registers; a Device driver (blk, net) negotiates features,
// sets up its virtqueues and handles their interrupts.
// Reference: Virtual I/O Device (VIRTIO) Version 1.2, OASIS (sections cited below).
#pragma once
#include <lib/result.h>
#include <lib/types.h>

namespace drivers::pci {
struct Function;
}

namespace drivers::virtio {
// Device status bits (2.1).
enum : u8 {
    kStatusAcknowledge = 1, kStatusDriver = 2, kStatusDriverOk = 4, kStatusFeaturesOk = 8,
    kStatusNeedsReset = 64, kStatusFailed = 128,
};
// Device-independent feature bits (6).
constexpr u64 kFeatureIndirectDesc = 1ull << 28, kFeatureEventIdx = 1ull << 29,
              kFeatureVersion1 = 1ull << 32, kFeatureAccessPlatform = 1ull << 33;
// Device types (5).
enum : u32 { kDeviceNet = 1, kDeviceBlock = 2 };

class Virtqueue;

// What a driver needs from the bus the device sits on (4.1 PCI, 4.2 MMIO).
class Transport {
public:
    virtual ~Transport() = default;
    virtual const char* name() const = 0; // for the log: "pci 00:02.0", "mmio 0xa003e00"
    virtual u32 device_type() const = 0;
    virtual void reset() = 0;             // status 0; waits until the device has reset
    virtual u8 status() = 0;
    virtual void set_status(u8 s) = 0;
    virtual u64 device_features() = 0;
    virtual void set_driver_features(u64 f) = 0;
    // Device-specific configuration (the struct after the common registers).
    virtual u32 config_generation() = 0;
    virtual u8 config_read8(u32 off) = 0;
    virtual u16 config_read16(u32 off) = 0;
    virtual u32 config_read32(u32 off) = 0;
    virtual u16 queue_max_size(u16 index) = 0; // 0: the queue does not exist
    // Tells the device where queue `index` lives and enables it.
    virtual ErrorOr<void> enable_queue(u16 index, u16 size, PhysAddr desc, PhysAddr avail, PhysAddr used) = 0;
    virtual void notify(u16 index) = 0;
    // One interrupt for the whole device (every queue, and configuration changes when
    // `config_changes`): calls cb(ctx). Called before the queues are enabled.
    // cb runs in interrupt context, without the giant lock (arch::register_irq_line).
    virtual ErrorOr<void> setup_interrupt(void (*cb)(void*), void* ctx, bool config_changes = false) = 0;
    // Called first thing in the interrupt: acknowledges it at the device (MMIO's
    // InterruptACK) and says why it came: kIrqQueues and/or kIrqConfig. MSI-X cannot
    // tell (both bits: the driver checks its queues and its configuration).
    virtual u32 ack_interrupt() = 0;
    static constexpr u32 kIrqQueues = 1, kIrqConfig = 2; // the ISR / InterruptStatus bits
};

// The common start of a driver's life (3.1.1): reset, ACKNOWLEDGE, DRIVER, feature
// negotiation (VERSION_1 required; `wanted` among what the device offers), FEATURES_OK.
// Returns the negotiated features; the driver then sets up its queues and calls
// driver_ok(). On failure the device is left in FAILED.
ErrorOr<u64> begin_init(Transport& t, u64 wanted);
void driver_ok(Transport& t);
void fail(Transport& t);

// Offers a transport to the drivers (blk, net): called by the PCI and MMIO probes. The
// transport is handed over (the driver keeps it, or it is destroyed).
void attach(Transport* t);

// Drivers' entry points, called by attach() for their device type. They own `t` if
// they return success.
ErrorOr<void> probe_block(Transport& t);
ErrorOr<void> probe_net(Transport& t);

// Transports' discovery: virtio-pci functions (a pci::Driver's probe) and virtio-mmio
// devices from the platform (device tree).
bool probe_pci(pci::Function& f);
void probe_mmio_devices();
} // namespace drivers::virtio
