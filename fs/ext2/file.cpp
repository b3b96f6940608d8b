// ext2 regular file data and symlink targets.
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

ErrorOr<size_t> Ext2Inode::read_at(u64 offset, const IoBuffer& buf, size_t n) {
    Ext2Fs& f = ext2();
    if (offset >= size) return 0;
    n = size_t(min<u64>(n, size - offset));
    u32 bs = f.block_size();
    size_t done = 0;
    Errno err {};
    while (done < n) {
        u64 pos = offset + done;
        u32 in_block = u32(pos % bs);
        size_t chunk = min<size_t>(n - done, bs - in_block);
        auto pb = bmap(pos / bs, false);
        if (pb.is_error()) { err = pb.error(); break; }
        ErrorOr<void> r;
        if (pb.value() == 0) {
            r = buf.zero(done, chunk); // a hole
        } else {
            auto b = f.block(pb.value());
            if (b.is_error()) { err = b.error(); break; }
            r = buf.write(done, b.value().data() + in_block, chunk);
        }
        if (r.is_error()) { err = r.error(); break; }
        done += chunk;
    }
    if (done == 0 && err != Errno {}) return err;
    touch_atime();
    return done;
}

ErrorOr<size_t> Ext2Inode::write_at(u64 offset, const IoBuffer& buf, size_t n) {
    Ext2Fs& f = ext2();
    if (n == 0) return 0;
    if (f.read_only) return Errno::EROFS;
    u64 limit = max_size(f);
    if (offset >= limit) return Errno::EFBIG;
    n = size_t(min<u64>(n, limit - offset)); // a short write up to the limit
    u32 bs = f.block_size();
    size_t done = 0;
    Errno err {};
    while (done < n) {
        u64 pos = offset + done;
        u32 in_block = u32(pos % bs);
        size_t chunk = min<size_t>(n - done, bs - in_block);
        bool fresh = false;
        auto pb = bmap(pos / bs, true, &fresh);
        if (pb.is_error()) { err = pb.error(); break; }
        auto b = f.block(pb.value());
        if (b.is_error()) { err = b.error(); break; }
        // A new block holds whatever the disk had there: clear what this write leaves.
        if (fresh) memset(b.value().data(), 0, bs);
        auto r = buf.read(done, b.value().data() + in_block, chunk);
        b.value().mark_dirty();
        if (r.is_error()) { err = r.error(); break; }
        done += chunk;
    }
    if (offset + done > size) size = offset + done;
    if (done) touch_mtime();
    TRY(store()); // blocks may have been allocated even when nothing was written
    if (done == 0) return err;
    return done;
}

ErrorOr<void> Ext2Inode::truncate(u64 new_size) {
    Ext2Fs& f = ext2();
    if (f.read_only) return Errno::EROFS;
    if (new_size > max_size(f)) return Errno::EFBIG;
    u32 bs = f.block_size();
    if (new_size < size) {
        TRY(free_blocks_from((new_size + bs - 1) / bs));
        // Clear the rest of the last block, so that growing again reads zeros.
        if (u32 tail = u32(new_size % bs)) {
            u32 pb = TRY(bmap(new_size / bs, false));
            if (pb) {
                auto b = TRY(f.block(pb));
                memset(b.data() + tail, 0, bs - tail);
                b.mark_dirty();
            }
        }
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
