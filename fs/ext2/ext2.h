// ext2: a FileSystem over a block device, read and write (revision 1; 1-4 KiB blocks;
// direct and 1-3 level indirect block maps; block and inode bitmaps per group).
//
// Metadata live in the buffer cache (drivers/block/cache.h): the superblock and the
// group descriptors stay pinned there and are changed in place; inodes are loaded into
// Ext2Inode objects and stored back into their inode-table block whenever this driver
// changes them, and at sync for changes the VFS made (chmod, utimes, atime). Regular
// files' data live in each inode's page cache (pages.cpp), which is also the memory
// object their mappings map.
//
// Locking: the VFS lock (fs/mutex.h) around every operation, as for every filesystem;
// Ext2Inode's destructor takes it itself (the last reference may go anywhere).
#pragma once
#include <drivers/block/cache.h>
#include <fs/ext2/format.h>
#include <fs/inode.h>
#include <fs/data_pages.h>
#include <fs/page_tree.h>
#include <lib/vector.h>

namespace fs::ext2 {
using drivers::block::BlockRef;
class Ext2Inode;

class Ext2Fs final : public FileSystem {
public:
    // Reads and checks the superblock of `dev`: EINVAL if it is not ext2 or uses
    // incompatible features; read-only if asked or if it has unknown read-only features.
    static ErrorOr<Ext2Fs*> mount(drivers::block::BlockDevice& dev, bool read_only);
    explicit Ext2Fs(drivers::block::BlockDevice& dev) : m_dev(dev) {} // use mount()
    ~Ext2Fs() override;

    ErrorOr<void> sync() override;
    ErrorOr<void> write_back() override;
    ErrorOr<void> unmount() override;
    bool statfs(StatFs& out) override;

    drivers::block::BlockDevice& device() { return m_dev; }
    u32 block_size() const { return m_block_size; }
    u32 addr_per_block() const { return m_block_size / 4; }

    // Blocks of the filesystem through the cache.
    ErrorOr<BlockRef> block(u32 n) { return drivers::block::read_block(m_dev, u64(n) * m_block_size, m_block_size); }
    // A block just allocated: zeroed in the cache.
    ErrorOr<BlockRef> zeroed_block(u32 n);

    // Inodes: the one Ext2Inode of inode number `ino` (loaded on first use).
    ErrorOr<lv::RefPtr<Ext2Inode>> inode(u32 ino);
    void forget(Ext2Inode& i); // its destructor: out of the inode cache
    // Reads / writes the on-disk inode (inode_size bytes; `raw` holds at least that).
    ErrorOr<void> read_raw_inode(u32 ino, DiskInode& out);
    ErrorOr<void> write_raw_inode(u32 ino, const DiskInode& in);
    u32 disk_inode_size() const { return m_inode_size; }
    u16 want_extra_isize() const { return m_want_extra_isize; }

    // Allocation (alloc.cpp). `goal` is a block to allocate near (0: anywhere).
    ErrorOr<u32> alloc_block(u32 goal);
    void free_block(u32 block);
    // A new inode number, near `parent_ino`'s group (directories: the emptiest group).
    ErrorOr<u32> alloc_inode(u32 parent_ino, bool is_dir);
    void free_inode(u32 ino, bool was_dir);
    u32 group_of_inode(u32 ino) const { return (ino - 1) / m_sb->inodes_per_group; }
    u32 first_block_of_group(u32 group) const { return m_sb->first_data_block + group * m_sb->blocks_per_group; }

    // Recently used regular files stay loaded, with their pages, after their last user
    // is gone (Linux keeps inodes and their page cache until memory is needed): a
    // program run again, or a file read again, comes from memory. The oldest of
    // kRecent goes when a new one comes; unlinked ones, on unmount and when memory runs
    // short (reclaim_pages) all go.
    void remember(Ext2Inode& i);
    void drop_unlinked_recent();
    void clear_recent();
    // The shrinker (mm/reclaim.h): dirty pages written back, then clean pages nobody
    // maps dropped, in every mounted ext2 filesystem. Pages freed.
    static u64 reclaim_pages();

    bool has_filetype() const { return m_sb->feature_incompat & kIncompatFiletype; }
    bool large_file() const { return m_sb->feature_ro_compat & kRoCompatLargeFile; }
    void note_large_file(); // a file above 2 GiB: set the large_file feature
    void mark_super_dirty() { m_sb_ref.mark_dirty(); }

private:
    GroupDesc& group(u32 g);
    void group_dirty(u32 g);
    ErrorOr<void> flush_inodes();
    // References to every loaded inode (not those already on their way out).
    ErrorOr<void> loaded_inodes(lv::Vector<lv::RefPtr<Ext2Inode>>& out);

    drivers::block::BlockDevice& m_dev;
    BlockRef m_sb_ref;            // pinned: the superblock, changed in place
    Superblock* m_sb = nullptr;
    lv::Vector<BlockRef> m_gdt;   // pinned: the group descriptor table's blocks
    u32 m_block_size = 0;
    u32 m_groups = 0;
    u32 m_inode_size = kGoodOldInodeSize;
    u32 m_first_ino = kGoodOldFirstIno;
    u16 m_want_extra_isize = 0;
    u16 m_mount_state = 0;        // s_state when mounted: restored by unmount
    bool m_state_changed = false; // a read-write mount marked the disk not clean
    u32 m_last_group = 0;         // where the last block came from (allocation hint)
    u32 m_overhead = 0;           // metadata blocks (statfs)
    char m_source[24] = {};       // "/dev/vda" for /proc/mounts
    lv::Vector<Ext2Inode*> m_inodes; // loaded inodes (no references held: see forget)
    static constexpr size_t kRecent = 256;
    lv::RefPtr<Ext2Inode> m_recent[kRecent]; // see remember()
    size_t m_recent_next = 0;
    friend class Ext2Inode;
};

class Ext2Inode final : public Inode {
public:
    Ext2Inode(Ext2Fs& fs, u32 ino, const DiskInode& raw);
    ~Ext2Inode() override;
    Ext2Fs& ext2() { return static_cast<Ext2Fs&>(fs); }

    // ---- the on-disk state (inode.cpp)
    // Copies the VFS-visible fields into the raw inode and stores it if it changed.
    ErrorOr<void> store();
    u64 allocated_blocks() const override { return m_raw.blocks; }
    KStat stat() override;
    ErrorOr<void> fsync() override;

    // ---- regular files: data in the page cache (pages.cpp), sizes (file.cpp)
    ErrorOr<size_t> read_at(u64 offset, const IoBuffer& buf, size_t n) override;
    ErrorOr<size_t> write_at(u64 offset, const IoBuffer& buf, size_t n) override;
    ErrorOr<void> truncate(u64 new_size) override;
    ErrorOr<void> can_mmap(File&) override { return {}; }
    bool has_pages() const override { return type() == kIfreg; }
    ErrorOr<PhysAddr> vm_page(u64 index, bool write) override;
    bool vm_tracks_dirty() const override { return true; }
    bool vm_resident(u64 index) override;
    // Writes the dirty pages to the disk (fsync, sync, the write-back thread).
    ErrorOr<void> write_back_pages();
    u64 cached_pages() const { return m_pages.page_count(); }
    // Clean pages no mapping uses go (below page `until`, until free memory passes
    // `enough_free` bytes when not 0); the number freed.
    u64 drop_clean_pages(u64 until = ~0ull, u64 enough_free = 0);
    u64 max_file_size();

    // ---- directories (dir.cpp)
    ErrorOr<lv::RefPtr<Inode>> lookup(lv::StringView name) override;
    ErrorOr<lv::RefPtr<Inode>> create(lv::StringView name, u32 mode, u64 rdev) override;
    ErrorOr<lv::RefPtr<Inode>> symlink(lv::StringView name, lv::StringView target) override;
    ErrorOr<void> link(lv::StringView name, Inode& target) override;
    ErrorOr<void> unlink(lv::StringView name, bool rmdir) override;
    ErrorOr<void> rename(lv::StringView old_name, Inode& new_dir, lv::StringView new_name, u32 flags) override;
    ErrorOr<void> iterate(u64& cookie, DirEntrySink& sink) override;
    lv::RefPtr<Inode> parent() override;
    bool name_of(Inode& child, char* buf, size_t cap, size_t& len) override;
    bool is_empty_dir() override;

    // ---- symlinks (file.cpp)
    ErrorOr<size_t> readlink(char* buf, size_t cap) override;

    // ---- block map (bmap.cpp)
    // The disk block of file block `n`: 0 for a hole unless `create`, which allocates it
    // (and the indirect blocks leading to it); `fresh` tells that it is new (unwritten).
    ErrorOr<u32> bmap(u64 n, bool create, bool* fresh = nullptr);
    // Frees the blocks from file block `first` on.
    ErrorOr<void> free_blocks_from(u64 first);

    // Directory entry helpers (dir.cpp), used by rename across directories too.
    struct Slot {
        static constexpr u32 kNone = ~0u;
        u32 block = 0;    // disk block holding the entry
        u32 offset = 0;   // of the entry in that block
        u32 prev = kNone; // the previous entry's offset in the block (kNone: the first)
        u32 ino = 0;
    };
    ErrorOr<bool> find_entry(lv::StringView name, Slot& out);
    ErrorOr<void> add_entry(lv::StringView name, u32 ino, u32 mode);
    ErrorOr<void> remove_entry(const Slot& s);
    ErrorOr<void> set_entry_inode(const Slot& s, u32 ino, u32 mode);

    // A symlink whose target sits in block[] (no data block): Linux's
    // ext2_inode_is_fast_symlink.
    bool is_fast_symlink() const;

    DiskInode m_raw {};      // the on-disk inode as last loaded or stored
    bool m_freed = false;    // its blocks and number went back to the bitmaps

private:
    // The page cache (pages.cpp).
    ErrorOr<u8*> cache_page(u64 index, bool fill); // fill: read it if new
    ErrorOr<void> read_page(u64 index, u8* page);
    ErrorOr<void> write_page(u64 index, u8* page);
    ErrorOr<void> transfer(bool write, u32 first_block, u8* buf, u32 count);
    ErrorOr<u32> block_run(u64 n, u32 max, u64 file_blocks, u32& pb);
    void read_ahead(u64 index);
    void trim_clean_pages(u64 keep_from);
    bool m_recent = false; // held by Ext2Fs::m_recent
    friend class Ext2Fs;
    ErrorOr<void> allocate_blocks(u64 from, u64 to); // the blocks under bytes [from, to)
    void mark_page(u64 index, bool dirty);
    void drop_pages_from(u64 first); // truncate: dirty or not, they go
    PageTree m_pages;

    ErrorOr<void> init_dir_block(u32 parent_ino);
    ErrorOr<void> rename_entries(lv::StringView old_name, Inode& new_dir, lv::StringView new_name, u32 flags);
    ErrorOr<void> release_on_disk(); // nlink 0 and no users: free everything
};

// Registers the "ext2" type with the VFS (fs/fs_types.h) and its shrinker; called at
// boot.
void register_type();
// Pages of ext2 files in memory, and those that differ from the disk (/proc/meminfo's
// Cached and Dirty).
u64 cached_file_pages();
u64 dirty_file_pages();
} // namespace fs::ext2
