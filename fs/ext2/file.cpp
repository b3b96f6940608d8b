// ext2 file sizes and symlink targets (file data: pages.cpp).
#include <fs/ext2/ext2.h>
#include <lib/string.h>

namespace fs::ext2 {
namespace {
// The largest file: what the block map reaches, and 2^32 - 1 blocks of 512 bytes in
// i_blocks (Linux's ext2_max_size), and 2 GiB without the large_file feature. Without
// the feature this driver turns it on (as Linux does) rather than refuse.
u64 max_size(Ext2Fs& f) {
    u64 apb = f.addr_per_block(), bs = f.block_size();
    u64 blocks = kNDirBlocks + apb + apb * apb + apb * apb * apb;
    u64 by_map = blocks * bs, by_count = (0xffffffffull / (bs / 512) - (1 + apb + apb * apb)) * bs;
    return min(by_map, by_count);
}
} // namespace

u64 Ext2Inode::max_file_size() { return max_size(ext2()); }

ErrorOr<void> Ext2Inode::truncate(u64 new_size) {
    Ext2Fs& f = ext2();
    if (f.read_only) return Errno::EROFS;
    if (new_size > max_size(f)) return Errno::EFBIG;
    u32 bs = f.block_size();
    if (new_size < size) {
        u64 first_page = (new_size + kDataPageSize - 1) / kDataPageSize;
        u64 last_page = (size + kDataPageSize - 1) / kDataPageSize;
        // Clear the rest of the last page, so that growing again reads zeros (and the
        // block's tail on the disk with it, when the page is written back).
        if (u32 tail = u32(new_size % kDataPageSize)) {
            u8* page = TRY(cache_page(new_size / kDataPageSize, true));
            memset(page + tail, 0, kDataPageSize - tail);
            if (TRY(bmap(new_size / bs, false))) mark_page(new_size / kDataPageSize, true);
        }
        begin_invalidate();
        drop_pages_from(first_page);
        // Mappings of the pages past the end lose them (touching them is SIGBUS), also
        // if freeing the blocks fails below.
        unmap_pages(first_page, last_page);
        TRY(free_blocks_from((new_size + bs - 1) / bs));
        size = new_size;
    }
    size = new_size;
    touch_mtime();
    return store();
}

ErrorOr<size_t> Ext2Inode::readlink(char* buf, size_t cap) {
    if (!is_symlink()) return Errno::EINVAL;
    size_t len = size_t(min<u64>(size, cap));
    if (is_fast_symlink()) {
        if (size > sizeof m_raw.block) return Errno::EIO;
        memcpy(buf, m_raw.block, len);
        return len;
    }
    u32 pb = TRY(bmap(0, false));
    if (!pb || size > ext2().block_size()) return Errno::EIO;
    auto b = TRY(ext2().block(pb));
    memcpy(buf, b.data(), len);
    return len;
}
} // namespace fs::ext2
