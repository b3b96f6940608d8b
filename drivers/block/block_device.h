// Block devices: disks addressed in 512-byte sectors, with blocking requests. Drivers
// (virtio-blk) implement BlockDevice and register it; registration names it (vda, vdb,
// ...), gives it a device number and a node in /dev. Filesystems and /dev/vdX files
// reach the data through the buffer cache (drivers/block/cache.h), never directly.
#pragma once
#include <lib/result.h>
#include <lib/types.h>

namespace drivers::block {
constexpr u32 kSectorSize = 512;
// Linux gives virtio-blk a dynamic major (254 in practice) and 16 minors per disk.
constexpr u32 kVirtioBlockMajor = 254, kMinorsPerDisk = 16;

class BlockDevice {
public:
    virtual ~BlockDevice() = default;

    // One contiguous run of sectors to or from `buf`, which must be direct-mapped kernel
    // memory (kmalloc or frames: it is handed to the device by physical address).
    // Blocks until the device is done; EIO when it reports an error.
    virtual ErrorOr<void> read(u64 sector, void* buf, size_t sectors) = 0;
    virtual ErrorOr<void> write(u64 sector, const void* buf, size_t sectors) = 0;
    // Several runs at once: buffers[i] holds bytes [i * 4096, i * 4096 + 4096) of the
    // request (the last one possibly shorter). A default does them one by one.
    virtual ErrorOr<void> transfer_pages(bool write, u64 sector, void* const* pages, size_t sectors);
    // Makes earlier writes durable (the device's write cache flushed).
    virtual ErrorOr<void> flush() = 0;

    u64 sectors = 0;        // capacity
    bool read_only = false;
    char name[8] = {};      // "vda": set by register_device
    u64 dev = 0;            // device number: set by register_device
    u32 index = 0;          // registration order
};

// Names the device (prefix + a letter: "vd" -> vda, vdb), numbers it and makes
// /dev/<name>. Called by drivers at probe time.
ErrorOr<void> register_device(BlockDevice& d, const char* prefix, u32 major);
// The registered device with this device number, or null.
BlockDevice* find(u64 dev);
BlockDevice* device_at(size_t i); // in registration order; null past the end
} // namespace drivers::block
