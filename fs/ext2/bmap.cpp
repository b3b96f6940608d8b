// The ext2 block map: i_block[0..11] point at data blocks, i_block[12] at a block of
// block numbers, [13] at a block of those, [14] one level more. 0 is a hole.
#include <fs/ext2/ext2.h>
#include <lib/string.h>

namespace fs::ext2 {
namespace {
// The slots leading to file block n: idx[0] in i_block, then one per level. Returns the
// number of indirect levels (0: direct), -1 past the largest file.
int path_to(u64 n, u64 apb, u32 idx[4]) {
    if (n < kNDirBlocks) {
        idx[0] = u32(n);
        return 0;
    }
    n -= kNDirBlocks;
    if (n < apb) {
        idx[0] = kIndBlock, idx[1] = u32(n);
        return 1;
    }
    n -= apb;
    if (n < apb * apb) {
        idx[0] = kDIndBlock, idx[1] = u32(n / apb), idx[2] = u32(n % apb);
        return 2;
    }
    n -= apb * apb;
    if (n < apb * apb * apb) {
        idx[0] = kTIndBlock, idx[1] = u32(n / (apb * apb)), idx[2] = u32(n / apb % apb), idx[3] = u32(n % apb);
        return 3;
    }
    return -1;
}
} // namespace

ErrorOr<u32> Ext2Inode::bmap(u64 n, bool create, bool* fresh) {
    Ext2Fs& f = ext2();
    u32 idx[4];
    int depth = path_to(n, f.addr_per_block(), idx);
    if (depth < 0) return Errno::EFBIG;
    if (fresh) *fresh = false;
    u32 sectors_per_block = f.block_size() / 512;
    // Allocate near the inode's group; a file's blocks then tend to be contiguous
    // because the allocator resumes where it stopped.
    u32 goal = f.first_block_of_group(f.group_of_inode(ino));

    u32* slot = &m_raw.block[idx[0]];
    u32 cur = *slot;
    if (!cur) {
        if (!create) return 0;
        cur = TRY(f.alloc_block(goal));
        if (depth > 0) TRY(f.zeroed_block(cur)); // a new table is empty
        else if (fresh) *fresh = true;
        *slot = cur;
        m_raw.blocks += sectors_per_block;
    }
    for (int level = 1; level <= depth; level++) {
        auto table = TRY(f.block(cur));
        u32& entry = table.as<u32>()[idx[level]];
        u32 next = entry;
        if (!next) {
            if (!create) return 0;
            next = TRY(f.alloc_block(cur));
            if (level < depth) TRY(f.zeroed_block(next));
            else if (fresh) *fresh = true;
            entry = next;
            table.mark_dirty();
            m_raw.blocks += sectors_per_block;
        }
        cur = next;
    }
    return cur;
}

namespace {
// Frees the part of the subtree under `blk` (`depth` levels of tables above the data;
// 0: `blk` is a data block) that maps relative blocks `from` and up. True when all of
// it went, `blk` included; `freed` counts the blocks.
ErrorOr<bool> trim(Ext2Fs& f, u32 blk, int depth, u64 from, u32& freed) {
    if (depth == 0) {
        f.free_block(blk);
        freed++;
        return true;
    }
    u64 apb = f.addr_per_block(), span = 1;
    for (int i = 1; i < depth; i++) span *= apb;
    auto table = TRY(f.block(blk));
    u32* e = table.as<u32>();
    u64 first = from / span;
    for (u64 i = first; i < apb; i++) {
        if (!e[i]) continue;
        if (TRY(trim(f, e[i], depth - 1, i == first ? from % span : 0, freed))) {
            e[i] = 0;
            table.mark_dirty();
        }
    }
    for (u64 i = 0; i < apb; i++)
        if (e[i]) return false;
    table.release();
    f.free_block(blk);
    freed++;
    return true;
}
} // namespace

ErrorOr<void> Ext2Inode::free_blocks_from(u64 first) {
    Ext2Fs& f = ext2();
    u32 freed = 0;
    ErrorOr<void> result;
    for (u32 i = 0; i < kNDirBlocks; i++) {
        if (i < first || !m_raw.block[i]) continue;
        f.free_block(m_raw.block[i]);
        m_raw.block[i] = 0;
        freed++;
    }
    u64 apb = f.addr_per_block(), base = kNDirBlocks, range = apb;
    for (int level = 1; level <= 3; level++, base += range, range *= apb) {
        u32& top = m_raw.block[kNDirBlocks + level - 1];
        if (!top || first >= base + range) continue;
        auto r = trim(f, top, level, first > base ? first - base : 0, freed);
        if (r.is_error()) {
            result = r.error(); // keep going: free what can be freed
            continue;
        }
        if (r.value()) top = 0;
    }
    m_raw.blocks -= freed * (f.block_size() / 512);
    return result;
}
} // namespace fs::ext2
