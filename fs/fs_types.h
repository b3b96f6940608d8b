// Filesystem types that live on a block device (ext2), for mount(2) and for the
// root=/dev/vdX boot option. Memory filesystems (tmpfs, proc) are made directly by
// syscalls/fs_mount.cpp.
#pragma once
#include <fs/inode.h>

namespace fs {
struct BlockFsType {
    const char* name;
    // Mounts the filesystem on the block device numbered `dev`: EINVAL if the device
    // does not hold one, EBUSY if it is mounted already, ENXIO without such a device.
    ErrorOr<FileSystem*> (*mount)(u64 dev, bool read_only);
};
void register_block_fs(const BlockFsType& type);
const BlockFsType* find_block_fs(lv::StringView name);
// The registered types, in registration order (/proc/filesystems). Registered at boot,
// before any reader: read without a lock.
size_t block_fs_count();
const BlockFsType& block_fs(size_t i);

// mount(2) of a block filesystem: `source` names the device node (ENOTBLK otherwise).
ErrorOr<FileSystem*> mount_block_fs(const BlockFsType& type, Inode& source, bool read_only);

// The root= boot option (root=/dev/vda [rootfstype=ext2] [ro]): that device becomes
// the root filesystem (before the first process starts), with devtmpfs and proc on its
// /dev and /proc when it has them. Does nothing without root=; logs and keeps the
// initramfs as the root when the device cannot be mounted.
void mount_root_from_cmdline(const char* cmdline);
} // namespace fs
