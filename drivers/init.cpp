// See init.h.
#include <drivers/block/cache.h>
#include <drivers/init.h>
#include <drivers/net/selftest.h>
#include <drivers/pci/pci.h>
#include <drivers/virtio/virtio.h>
#include <fs/ext2/ext2.h>
#include <fs/vfs.h>
#include <kernel/init.h>
#include <kernel/log.h>

namespace drivers {
void init() {
    fs::ext2::register_type();
    static const pci::Driver pci_drivers[] = {
        {"virtio-pci", virtio::probe_pci},
    };
    pci::enumerate(pci_drivers, sizeof pci_drivers / sizeof pci_drivers[0]);
    virtio::probe_mmio_devices();
    if (block::device_at(0)) block::start_flusher(); // no disk, no thread
    net::run_selftest(kernel::boot_cmdline());
}

ErrorOr<void> sync_block_device(u64 dev) {
    block::BlockDevice* d = block::find(dev);
    if (!d) return Errno::ENXIO;
    return block::sync(*d);
}

void sync_all() {
    lv::RefPtr<fs::Inode> mp;
    for (size_t i = 0; fs::FileSystem* f = fs::mount_at(i, mp); i++) {
        auto r = f->sync();
        if (r.is_error()) log_warn("sync: %s filesystem: errno %d", f->name, int(r.error()));
    }
    auto r = block::sync_all();
    if (r.is_error()) log_warn("sync: disks: errno %d", int(r.error()));
}
} // namespace drivers
