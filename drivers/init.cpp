// See init.h.
#include <drivers/block/cache.h>
#include <drivers/init.h>
#include <drivers/net/selftest.h>
#include <drivers/pci/pci.h>
#include <drivers/virtio/virtio.h>
#include <kernel/init.h>
#include <kernel/log.h>

namespace drivers {
void init() {
    static const pci::Driver pci_drivers[] = {
        {"virtio-pci", virtio::probe_pci},
    };
    pci::enumerate(pci_drivers, sizeof pci_drivers / sizeof pci_drivers[0]);
    virtio::probe_mmio_devices();
    net::run_selftest(kernel::boot_cmdline());
}

ErrorOr<void> sync_block_device(u64 dev) {
    block::BlockDevice* d = block::find(dev);
    if (!d) return Errno::ENXIO;
    return block::sync(*d);
}

void sync_disks() {
    auto r = block::sync_all();
    if (r.is_error()) log_warn("sync: disks: errno %d", int(r.error()));
}
} // namespace drivers
