// See init.h.
#include <drivers/block/cache.h>
#include <drivers/init.h>
#include <drivers/pci/pci.h>
#include <drivers/virtio/virtio.h>

namespace drivers {
void init() {
    static const pci::Driver pci_drivers[] = {
        {"virtio-pci", virtio::probe_pci},
    };
    pci::enumerate(pci_drivers, sizeof pci_drivers / sizeof pci_drivers[0]);
    virtio::probe_mmio_devices();
    block::start_flusher();
}
} // namespace drivers
