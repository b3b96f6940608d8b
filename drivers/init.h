// Device discovery at boot: PCI functions and platform (device-tree) devices are
// offered to the drivers; block devices appear as /dev/vdX (the filesystem types on
// them are registered by kernel_main, before). Called by kernel_main once the filesystem tree exists
// and interrupts are on (drivers block on their devices).
#pragma once
#include <lib/result.h>

namespace drivers {
void init();
// sync(2) and shutdown, after fs::sync_filesystems(): every disk's cached pages, then
// the disks' own write caches. Errors are logged, not returned.
void sync_disks();
// fsync(2) of a block device file: its cached pages, then its write cache.
ErrorOr<void> sync_block_device(u64 dev);
} // namespace drivers
