// Device discovery at boot: PCI functions and platform (device-tree) devices are
// offered to the drivers; block devices appear as /dev/vdX. Called by kernel_main once
// the filesystem tree exists and interrupts are on (drivers block on their devices).
#pragma once

namespace drivers {
void init();
} // namespace drivers
