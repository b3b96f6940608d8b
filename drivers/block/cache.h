// The buffer cache: 4 KiB pages of block devices, shared by every filesystem metadata
// block and /dev/vdX access to them (file data live in the files' page caches, e.g.
// fs/ext2/pages.cpp, written straight to the device: see written_behind). A filesystem
// block (1, 2 or 4 KiB, aligned to its size) lies inside one page. Writes are delayed: pages are marked dirty and written back by
// sync() (fsync, sync, umount), every few seconds by the filesystems' write-back thread
// (fs/writeback.cpp), or when they are evicted. Reads of a missing page bring in a cluster of the pages after it
// (readahead), in one request.
//
// Locking: one sleeping lock over the whole cache, held across disk I/O; a BlockRef
// pins its page (never evicted while pinned). Callers serialize changes to the bytes of
// a page themselves (filesystems: the VFS lock).
#pragma once
#include <drivers/block/block_device.h>

namespace drivers::block {
struct CachePage;

// A pinned, up-to-date block. Move-only; unpins on destruction.
class BlockRef {
public:
    BlockRef() = default;
    BlockRef(CachePage* p, u32 offset) : m_page(p), m_offset(offset) {}
    BlockRef(BlockRef&& o) : m_page(o.m_page), m_offset(o.m_offset) { o.m_page = nullptr; }
    BlockRef& operator=(BlockRef&& o);
    BlockRef(const BlockRef&) = delete;
    BlockRef& operator=(const BlockRef&) = delete;
    ~BlockRef() { release(); }

    u8* data() const;
    template <typename T>
    T* as(u32 off = 0) const { return reinterpret_cast<T*>(data() + off); }
    // The block's bytes changed: write them back (later).
    void mark_dirty() const;
    void release();
    explicit operator bool() const { return m_page != nullptr; }

private:
    CachePage* m_page = nullptr;
    u32 m_offset = 0;
};

// The `size`-byte block at byte `offset` of `dev` (size a power of two <= 4096,
// offset a multiple of it). EIO on a device error, EINVAL past the end.
ErrorOr<BlockRef> read_block(BlockDevice& dev, u64 offset, u32 size);
// A filesystem wrote bytes [offset, offset + len) of `dev` itself (file data, which its
// page cache holds, fs/ext2/pages.cpp): a cached copy of them (a page shared with
// metadata blocks) takes the same bytes, so that writing that page back never puts old
// ones on the disk.
void written_behind(BlockDevice& dev, u64 offset, const void* data, size_t len);
// Pages held, and those of them dirty (/proc/meminfo's Buffers, part of Dirty).
struct CacheUsage {
    u64 pages = 0, dirty = 0;
};
CacheUsage usage();
// Writes back every dirty page of `dev` and flushes the device's cache.
ErrorOr<void> sync(BlockDevice& dev);
ErrorOr<void> sync_all();
// Forgets the clean pages of `dev` (after an unmount: the next mount rereads the disk).
void invalidate(BlockDevice& dev);
// Writes back every dirty page, without flushing the devices' caches (the periodic
// write-back: its caller makes sure the pages hold a consistent state).
ErrorOr<void> write_back_all();
} // namespace drivers::block
