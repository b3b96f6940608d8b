// The periodic write-back of the filesystems' dirty blocks (fs/writeback.cpp).
#pragma once

namespace fs {
// Starts the write-back thread if there are disks; once, after the drivers found them.
void start_writeback();
} // namespace fs
