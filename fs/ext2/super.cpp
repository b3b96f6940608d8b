// ext2 mounting, the superblock and group descriptors, the inode cache, statfs and
// sync; see ext2.h.
#include <fs/ext2/ext2.h>
#include <mm/reclaim.h>
#include <fs/fs_types.h>
#include <fs/mutex.h>
#include <kernel/log.h>
#include <kernel/time.h>
#include <lib/format.h>
#include <lib/string.h>

namespace fs::ext2 {
namespace {
constexpr u64 kExt2Magic = 0xef53; // statfs f_type (EXT2_SUPER_MAGIC)

// Devices with a mounted ext2 (a second mount of the same device would be a second
// view of the same blocks). FIXME: Linux shares one superblock between both mounts.
constexpr size_t kMaxMounted = 16;
drivers::block::BlockDevice* g_mounted[kMaxMounted];

bool claim(drivers::block::BlockDevice& d) {
    for (auto* m : g_mounted)
        if (m == &d) return false;
    for (auto*& m : g_mounted)
        if (!m) {
            m = &d;
            return true;
        }
    return false;
}

void release(drivers::block::BlockDevice& d) {
    for (auto*& m : g_mounted)
        if (m == &d) m = nullptr;
}

u32 now_seconds() { return u32(kernel::time::realtime_now().sec); }

bool is_power_of(u32 n, u32 base) {
    while (n > 1 && n % base == 0) n /= base;
    return n == 1;
}

// Whether group g holds a copy of the superblock and descriptors (sparse_super: groups
// 0, 1 and powers of 3, 5 and 7).
bool has_super(const Superblock& sb, u32 g) {
    if (!(sb.feature_ro_compat & kRoCompatSparseSuper) || g <= 1) return true;
    return is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

ErrorOr<FileSystem*> mount_device(u64 dev, bool read_only) {
    drivers::block::BlockDevice* d = drivers::block::find(dev);
    if (!d) return Errno::ENXIO;
    return TRY(Ext2Fs::mount(*d, read_only || d->read_only));
}

const BlockFsType g_type = {"ext2", mount_device};

// The mounted instances, for the shrinker (under the VFS lock).
lv::Vector<Ext2Fs*> g_instances;
} // namespace

void register_type() {
    register_block_fs(g_type);
    mm::register_shrinker(Ext2Fs::reclaim_pages);
}

void Ext2Fs::remember(Ext2Inode& i) {
    if (!i.is_regular() || i.m_recent) return;
    lv::RefPtr<Ext2Inode> old = lv::move(m_recent[m_recent_next]); // released last
    if (old) old->m_recent = false;
    m_recent[m_recent_next] = lv::RefPtr<Ext2Inode>(&i);
    i.m_recent = true;
    m_recent_next = (m_recent_next + 1) % kRecent;
}

void Ext2Fs::drop_unlinked_recent() {
    for (auto& slot : m_recent) {
        if (!slot || slot->nlink) continue;
        lv::RefPtr<Ext2Inode> gone = lv::move(slot); // its destructor frees it on the disk
        gone->m_recent = false;
    }
}

void Ext2Fs::clear_recent() {
    for (auto& slot : m_recent) {
        if (!slot) continue;
        lv::RefPtr<Ext2Inode> gone = lv::move(slot);
        gone->m_recent = false;
    }
}

u64 Ext2Fs::reclaim_pages() {
    MutexLocker l(vfs_lock());
    u64 before = cached_file_pages();
    for (Ext2Fs* f : g_instances) {
        if (!f->m_sb) continue;
        f->clear_recent();
        lv::Vector<lv::RefPtr<Ext2Inode>> inodes; // see flush_inodes
        if (f->loaded_inodes(inodes).is_error()) continue;
        for (auto& i : inodes) {
            if (!f->read_only) (void)i->write_back_pages();
            i->drop_clean_pages();
        }
    }
    u64 after = cached_file_pages();
    return before > after ? before - after : 0;
}

ErrorOr<Ext2Fs*> Ext2Fs::mount(drivers::block::BlockDevice& dev, bool read_only) {
    auto sb_ref = TRY(drivers::block::read_block(dev, kSuperblockOffset, sizeof(Superblock)));
    auto* sb = sb_ref.as<Superblock>();
    if (sb->magic != kMagic) return Errno::EINVAL;
    if (sb->log_block_size > 2 || !sb->blocks_per_group || !sb->inodes_per_group || !sb->blocks_count) {
        log_warn("ext2 %s: unsupported geometry (block size 1024 << %u)", dev.name, sb->log_block_size);
        return Errno::EINVAL;
    }
    u32 incompat = sb->rev_level >= 1 ? sb->feature_incompat : 0;
    u32 ro_compat = sb->rev_level >= 1 ? sb->feature_ro_compat : 0;
    if (incompat & ~kIncompatSupported) {
        log_warn("ext2 %s: incompatible features 0x%x (ext3/ext4?): not mounted", dev.name, incompat & ~kIncompatSupported);
        return Errno::EINVAL;
    }
    if ((ro_compat & ~kRoCompatSupported) && !read_only) {
        log_warn("ext2 %s: features 0x%x allow only a read-only mount", dev.name, ro_compat & ~kRoCompatSupported);
        read_only = true;
    }
    if (!claim(dev)) return Errno::EBUSY;
    auto* fs = lv::make<Ext2Fs>(dev);
    if (!fs) {
        release(dev);
        return Errno::ENOMEM;
    }
    fs->m_block_size = 1024u << sb->log_block_size;
    fs->m_groups = (sb->blocks_count - sb->first_data_block + sb->blocks_per_group - 1) / sb->blocks_per_group;
    if (sb->rev_level >= 1) {
        fs->m_inode_size = sb->inode_size;
        fs->m_first_ino = sb->first_ino;
        if (sb->inode_size > kGoodOldInodeSize) fs->m_want_extra_isize = sb->want_extra_isize;
    }
    fs->m_sb_ref = lv::move(sb_ref);
    fs->m_sb = sb;
    auto fail = [&](Errno e) -> ErrorOr<Ext2Fs*> {
        release(dev);
        lv::destroy(fs);
        return e;
    };
    if (fs->m_inode_size < kGoodOldInodeSize || fs->m_inode_size > fs->m_block_size ||
        (fs->m_inode_size & (fs->m_inode_size - 1)))
        return fail(Errno::EINVAL);
    // The group descriptor table follows the superblock's block.
    u32 gdt_blocks = (fs->m_groups * sizeof(GroupDesc) + fs->m_block_size - 1) / fs->m_block_size;
    if (!fs->m_gdt.try_reserve(gdt_blocks)) return fail(Errno::ENOMEM);
    for (u32 i = 0; i < gdt_blocks; i++) {
        auto b = fs->block(sb->first_data_block + 1 + i);
        if (b.is_error()) return fail(b.error());
        (void)fs->m_gdt.try_append(b.release_value());
    }
    // Blocks that never hold data (statfs leaves them out of f_blocks, as ext4 does):
    // what precedes the first group, the superblock copies with their descriptor tables
    // (reserved ones included), and each group's bitmaps and inode table.
    u32 itb_per_group = (sb->inodes_per_group * fs->m_inode_size + fs->m_block_size - 1) / fs->m_block_size;
    fs->m_overhead = sb->first_data_block + fs->m_groups * (2 + itb_per_group);
    for (u32 g = 0; g < fs->m_groups; g++)
        if (has_super(*sb, g)) fs->m_overhead += 1 + gdt_blocks + sb->reserved_gdt_blocks;
    lv::snprintf(fs->m_source, sizeof fs->m_source, "/dev/%s", dev.name);
    fs->source = fs->m_source;
    fs->dev = dev.dev;
    fs->magic = kExt2Magic;
    fs->name = "ext2";
    fs->read_only = read_only;
    auto root = fs->inode(kRootIno);
    if (root.is_error()) return fail(root.error());
    if (!root.value()->is_dir()) return fail(Errno::EINVAL);
    fs->root = root.release_value();
    if (!read_only) {
        // Linux's ext2_setup_super: not clean while mounted read-write; unmount puts
        // the state back.
        fs->m_mount_state = sb->state;
        fs->m_state_changed = true;
        sb->state = u16(sb->state & ~kStateValid);
        sb->mnt_count++;
        sb->mtime = sb->wtime = now_seconds();
        fs->mark_super_dirty();
    }
    {
        MutexLocker l(vfs_lock());
        if (!g_instances.try_append(fs)) return fail(Errno::ENOMEM);
    }
    log_info("ext2 %s: %u blocks of %u bytes, %u groups, %u inodes%s", dev.name, sb->blocks_count,
             fs->m_block_size, fs->m_groups, sb->inodes_count, read_only ? ", read-only" : "");
    return fs;
}

Ext2Fs::~Ext2Fs() {
    MutexLocker l(vfs_lock());
    for (size_t k = 0; k < g_instances.size(); k++)
        if (g_instances[k] == this) g_instances.remove(k--);
}

GroupDesc& Ext2Fs::group(u32 g) {
    u32 per_block = m_block_size / sizeof(GroupDesc);
    return m_gdt[g / per_block].as<GroupDesc>()[g % per_block];
}

void Ext2Fs::group_dirty(u32 g) {
    m_gdt[g / (m_block_size / sizeof(GroupDesc))].mark_dirty();
    mark_super_dirty(); // the free counts there move with the group's
}

ErrorOr<BlockRef> Ext2Fs::zeroed_block(u32 n) {
    auto b = TRY(block(n));
    memset(b.data(), 0, m_block_size);
    b.mark_dirty();
    return b;
}

// ---- the inode cache: weak pointers, removed by the inodes' destructors
ErrorOr<lv::RefPtr<Ext2Inode>> Ext2Fs::inode(u32 ino) {
    if (ino == 0 || ino > m_sb->inodes_count) return Errno::EIO;
    for (Ext2Inode* i : m_inodes)
        if (i->ino == ino && i->ref_count() > 0) return lv::RefPtr<Ext2Inode>(i);
    if (!m_inodes.try_reserve(m_inodes.size() + 1)) return Errno::ENOMEM;
    DiskInode raw {};
    TRY(read_raw_inode(ino, raw));
    auto* i = lv::make<Ext2Inode>(*this, ino, raw);
    if (!i) return Errno::ENOMEM;
    (void)m_inodes.try_append(i);
    auto ref = lv::RefPtr<Ext2Inode>::adopt(i);
    remember(*i);
    return ref;
}

void Ext2Fs::forget(Ext2Inode& inode) {
    for (size_t k = 0; k < m_inodes.size(); k++)
        if (m_inodes[k] == &inode) {
            m_inodes[k] = m_inodes[m_inodes.size() - 1];
            m_inodes.remove(m_inodes.size() - 1);
            return;
        }
}

ErrorOr<void> Ext2Fs::read_raw_inode(u32 ino, DiskInode& out) {
    u32 g = (ino - 1) / m_sb->inodes_per_group, index = (ino - 1) % m_sb->inodes_per_group;
    if (g >= m_groups) return Errno::EIO;
    u64 byte = u64(index) * m_inode_size;
    auto b = TRY(block(group(g).inode_table + u32(byte / m_block_size)));
    memcpy(&out, b.data() + byte % m_block_size, min<u32>(m_inode_size, sizeof(DiskInode)));
    return {};
}

ErrorOr<void> Ext2Fs::write_raw_inode(u32 ino, const DiskInode& in) {
    u32 g = (ino - 1) / m_sb->inodes_per_group, index = (ino - 1) % m_sb->inodes_per_group;
    if (g >= m_groups) return Errno::EIO;
    u64 byte = u64(index) * m_inode_size;
    auto b = TRY(block(group(g).inode_table + u32(byte / m_block_size)));
    memcpy(b.data() + byte % m_block_size, &in, min<u32>(m_inode_size, sizeof(DiskInode)));
    b.mark_dirty();
    return {};
}

void Ext2Fs::note_large_file() {
    if (large_file()) return;
    m_sb->feature_ro_compat |= kRoCompatLargeFile;
    mark_super_dirty();
}

// ---- statfs, sync, unmount
bool Ext2Fs::statfs(StatFs& out) {
    out.block_size = m_block_size;
    out.blocks = m_sb->blocks_count > m_overhead ? m_sb->blocks_count - m_overhead : 0;
    out.blocks_free = m_sb->free_blocks_count;
    out.blocks_avail = m_sb->free_blocks_count > m_sb->r_blocks_count ? m_sb->free_blocks_count - m_sb->r_blocks_count : 0;
    out.files = m_sb->inodes_count;
    out.files_free = m_sb->free_inodes_count;
    out.name_max = kNameLen;
    return true;
}

ErrorOr<void> Ext2Fs::loaded_inodes(lv::Vector<lv::RefPtr<Ext2Inode>>& out) {
    if (!out.try_reserve(m_inodes.size())) return Errno::ENOMEM;
    for (Ext2Inode* i : m_inodes)
        if (i->try_ref()) (void)out.try_append(lv::RefPtr<Ext2Inode>::adopt(i));
    return {};
}

ErrorOr<void> Ext2Fs::flush_inodes() {
    // Held while written: write-back may drop the last reference to an address space,
    // and with it a file's, which would take an inode out of m_inodes mid-walk.
    lv::Vector<lv::RefPtr<Ext2Inode>> inodes;
    TRY(loaded_inodes(inodes));
    for (auto& i : inodes) {
        TRY(i->write_back_pages());
        TRY(i->store());
    }
    return {};
}

ErrorOr<void> Ext2Fs::write_back() {
    MutexLocker l(vfs_lock());
    if (!m_sb || read_only) return {};
    return flush_inodes();
}

ErrorOr<void> Ext2Fs::sync() {
    MutexLocker l(vfs_lock());
    if (!m_sb) return {}; // unmounted
    if (!read_only) {
        TRY(flush_inodes());
        m_sb->wtime = now_seconds();
        mark_super_dirty();
    }
    return drivers::block::sync(m_dev);
}

ErrorOr<void> Ext2Fs::unmount() {
    MutexLocker l(vfs_lock());
    clear_recent(); // only references of its own
    for (Ext2Inode* i : m_inodes)
        if (i != root.get() && i->ref_count() > 0) return Errno::EBUSY; // open files, working directories
    if (!read_only) TRY(flush_inodes());
    if (m_state_changed) { // also after a remount read-only: the disk is clean again
        m_sb->state = m_mount_state;
        m_sb->wtime = now_seconds();
        mark_super_dirty();
    }
    TRY(drivers::block::sync(m_dev));
    // The Ext2Fs object stays (the VFS keeps FileSystem pointers), emptied: its pinned
    // blocks go back to the cache and the device may be mounted again.
    root.clear();
    m_gdt.clear();
    m_sb_ref.release();
    m_sb = nullptr;
    drivers::block::invalidate(m_dev); // its cached pages are not needed any more
    release(m_dev);
    return {};
}
} // namespace fs::ext2
