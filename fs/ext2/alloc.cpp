// ext2 block and inode allocation: one bitmap block of each per group; the free counts
// live in the group descriptors and the superblock and always match the bitmaps.
#include <fs/ext2/ext2.h>
#include <kernel/log.h>

namespace fs::ext2 {
namespace {
// The first clear bit in [from, limit) of `bits`, wrapping around to 0; -1 if none.
i64 find_clear(const u8* bits, u32 limit, u32 from) {
    for (u32 pass = 0; pass < 2; pass++) {
        u32 start = pass ? 0 : from, end = pass ? min(from, limit) : limit;
        for (u32 i = start; i < end;) {
            if ((i & 7) == 0 && i + 8 <= end && bits[i / 8] == 0xff) {
                i += 8; // a full byte
                continue;
            }
            if (!(bits[i / 8] & (1u << (i & 7)))) return i;
            i++;
        }
    }
    return -1;
}
} // namespace

ErrorOr<u32> Ext2Fs::alloc_block(u32 goal) {
    if (read_only) return Errno::EROFS;
    if (m_sb->free_blocks_count == 0) return Errno::ENOSPC;
    u32 g0 = m_last_group;
    if (goal >= m_sb->first_data_block && goal < m_sb->blocks_count)
        g0 = (goal - m_sb->first_data_block) / m_sb->blocks_per_group;
    for (u32 k = 0; k < m_groups; k++) {
        u32 g = (g0 + k) % m_groups;
        GroupDesc& gd = group(g);
        if (gd.free_blocks_count == 0) continue;
        u32 first = first_block_of_group(g);
        u32 count = min(m_sb->blocks_per_group, m_sb->blocks_count - first);
        u32 from = (k == 0 && goal >= first && goal - first < count) ? goal - first : 0;
        auto bitmap = TRY(block(gd.block_bitmap));
        i64 bit = find_clear(bitmap.data(), count, from);
        if (bit < 0) {
            log_warn("ext2 %s: group %u claims %u free blocks, its bitmap none", m_dev.name, g, gd.free_blocks_count);
            continue;
        }
        bitmap.data()[bit / 8] |= u8(1u << (bit & 7));
        bitmap.mark_dirty();
        gd.free_blocks_count--;
        m_sb->free_blocks_count--;
        group_dirty(g);
        m_last_group = g;
        return first + u32(bit);
    }
    return Errno::ENOSPC;
}

void Ext2Fs::free_block(u32 b) {
    if (b < m_sb->first_data_block || b >= m_sb->blocks_count) {
        log_error("ext2 %s: freeing block %u outside the filesystem", m_dev.name, b);
        return;
    }
    u32 g = (b - m_sb->first_data_block) / m_sb->blocks_per_group, bit = (b - m_sb->first_data_block) % m_sb->blocks_per_group;
    GroupDesc& gd = group(g);
    auto bitmap = block(gd.block_bitmap);
    if (bitmap.is_error()) return;
    u8& byte = bitmap.value().data()[bit / 8];
    if (!(byte & (1u << (bit & 7)))) {
        log_error("ext2 %s: block %u freed twice", m_dev.name, b);
        return;
    }
    byte = u8(byte & ~(1u << (bit & 7)));
    bitmap.value().mark_dirty();
    gd.free_blocks_count++;
    m_sb->free_blocks_count++;
    group_dirty(g);
}

ErrorOr<u32> Ext2Fs::alloc_inode(u32 parent_ino, bool is_dir) {
    if (read_only) return Errno::EROFS;
    if (m_sb->free_inodes_count == 0) return Errno::ENOSPC;
    // Files go near their directory; directories spread out to the group with the most
    // free inodes (a much simplified Orlov allocator).
    u32 g0 = group_of_inode(parent_ino);
    if (is_dir) {
        u32 best = 0;
        for (u32 g = 0; g < m_groups; g++)
            if (group(g).free_inodes_count > best) best = group(g).free_inodes_count, g0 = g;
    }
    for (u32 k = 0; k < m_groups; k++) {
        u32 g = (g0 + k) % m_groups;
        GroupDesc& gd = group(g);
        if (gd.free_inodes_count == 0) continue;
        auto bitmap = TRY(block(gd.inode_bitmap));
        // Inodes below first_ino (root, journal, resize...) are reserved.
        u32 from = g == 0 ? m_first_ino - 1 : 0;
        i64 bit = find_clear(bitmap.data(), m_sb->inodes_per_group, from);
        if (bit < 0 || (g == 0 && u32(bit) < m_first_ino - 1)) continue;
        bitmap.data()[bit / 8] |= u8(1u << (bit & 7));
        bitmap.mark_dirty();
        gd.free_inodes_count--;
        if (is_dir) gd.used_dirs_count++;
        m_sb->free_inodes_count--;
        group_dirty(g);
        return g * m_sb->inodes_per_group + u32(bit) + 1;
    }
    return Errno::ENOSPC;
}

void Ext2Fs::free_inode(u32 ino, bool was_dir) {
    u32 g = group_of_inode(ino), bit = (ino - 1) % m_sb->inodes_per_group;
    if (ino < m_first_ino || g >= m_groups) {
        log_error("ext2 %s: freeing reserved or bad inode %u", m_dev.name, ino);
        return;
    }
    GroupDesc& gd = group(g);
    auto bitmap = block(gd.inode_bitmap);
    if (bitmap.is_error()) return;
    u8& byte = bitmap.value().data()[bit / 8];
    if (!(byte & (1u << (bit & 7)))) {
        log_error("ext2 %s: inode %u freed twice", m_dev.name, ino);
        return;
    }
    byte = u8(byte & ~(1u << (bit & 7)));
    bitmap.value().mark_dirty();
    gd.free_inodes_count++;
    if (was_dir && gd.used_dirs_count) gd.used_dirs_count--;
    m_sb->free_inodes_count++;
    group_dirty(g);
}
} // namespace fs::ext2
