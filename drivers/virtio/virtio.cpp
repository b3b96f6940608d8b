// Device initialization (virtio 1.2, 3.1.1) and handing devices to their drivers.
#include <drivers/virtio/virtio.h>
#include <kernel/log.h>
#include <lib/alloc.h>

namespace drivers::virtio {
ErrorOr<u64> begin_init(Transport& t, u64 wanted) {
    t.reset();
    t.set_status(kStatusAcknowledge);
    t.set_status(kStatusAcknowledge | kStatusDriver);
    u64 offered = t.device_features();
    if (!(offered & kFeatureVersion1)) {
        // A legacy-only device: its layout and byte order differ (virtio 1.2, 7).
        log_warn("virtio %s: no VIRTIO_F_VERSION_1 (a legacy device): not supported", t.name());
        fail(t);
        return Errno::ENODEV;
    }
    // ACCESS_PLATFORM offered means the device may need an IOMMU's addresses; there is no
    // IOMMU here, so physical addresses are what it sees: accept it (as Linux does).
    u64 features = offered & (wanted | kFeatureVersion1 | kFeatureAccessPlatform);
    t.set_driver_features(features);
    t.set_status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
    if (!(t.status() & kStatusFeaturesOk)) {
        log_warn("virtio %s: device refused features 0x%lx", t.name(), features);
        fail(t);
        return Errno::ENODEV;
    }
    return features;
}

void driver_ok(Transport& t) { t.set_status(u8(t.status() | kStatusDriverOk)); }

void fail(Transport& t) { t.set_status(u8(t.status() | kStatusFailed)); }

void attach(Transport* t) {
    ErrorOr<void> r = Errno::ENODEV;
    switch (t->device_type()) {
    case kDeviceBlock: r = probe_block(*t); break;
    case kDeviceNet: r = probe_net(*t); break;
    default:
        log_info("virtio %s: device type %u has no driver", t->name(), t->device_type());
        lv::destroy(t);
        return;
    }
    if (r.is_error()) {
        log_warn("virtio %s: device type %u not set up (errno %d)", t->name(), t->device_type(), int(r.error()));
        // Silence it, but keep the transport: its interrupt may be registered already
        // (FIXME: interrupts cannot be unregistered yet).
        t->reset();
    }
}
} // namespace drivers::virtio
