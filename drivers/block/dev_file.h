// Block device files (/dev/vda): reads and writes at any offset, through the buffer
// cache; the BLK* ioctls that tools (mke2fs, blockdev) use.
#pragma once
#include <fs/inode.h>

namespace drivers::block {
fs::FileOps& block_file_ops();
} // namespace drivers::block
