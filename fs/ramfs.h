// ramfs: the in-memory filesystem that holds the root (unpacked from the initramfs),
// /tmp and /dev. File data lives in a PageTree of 4 KiB pages; directories are hash
// tables over entries kept in creation order, so that lookups are O(1) and readdir
// cookies stay valid while entries come and go (rm -rf reads and deletes at once).
#pragma once
#include <fs/inode.h>
#include <fs/data_pages.h>
#include <fs/page_tree.h>
#include <lib/vector.h>

namespace fs {
// Linux's tmpfs magic, so that statfs users see a tmpfs-like filesystem.
constexpr u64 kTmpfsMagic = 0x01021994;

// tmpfs' limits (size=, nr_inodes=; 0 is unlimited, as plain ramfs): data pages and
// inodes are charged when made and given back when freed, and a write, fallocate or
// create past the limit fails with ENOSPC, so a full /tmp cannot take the machine's
// memory. Shared by the filesystem and its inodes (an inode may outlive its filesystem's
// last mount). Guarded by the VFS lock, as the inodes that charge it.
struct RamUsage : lv::RefCounted<RamUsage> {
    u64 max_pages = 0, max_inodes = 0;
    u64 used_pages = 0, used_inodes = 0;
    bool charge_pages(u64 n) {
        if (max_pages && (n > max_pages || used_pages > max_pages - n)) return false;
        used_pages += n;
        return true;
    }
    void uncharge_pages(u64 n) { used_pages -= min(n, used_pages); }
    bool charge_inode() {
        if (max_inodes && used_inodes >= max_inodes) return false;
        used_inodes++;
        return true;
    }
    void uncharge_inode() { if (used_inodes) used_inodes--; }
};

class RamFs final : public FileSystem {
public:
    lv::RefPtr<RamUsage> usage;
    // Only a limited instance has numbers of its own; otherwise statfs reports RAM.
    bool statfs(StatFs& out) override;
    void discard_tree() override;
};
// tmpfs' defaults: half of RAM in pages, for both size= and nr_inodes= (Linux's
// shmem_default_max_blocks and shmem_default_max_inodes). Kernel only (fs/data_pages.cpp).
u64 tmpfs_default_pages();

// What every ramfs inode holds: its filesystem's usage, and (when create() or
// symlink() made it) one inode charge, given back when it dies.
struct RamCharge {
    explicit RamCharge(FileSystem& fs) : usage(static_cast<RamFs&>(fs).usage) {}
    ~RamCharge() { if (inode_charged) usage->uncharge_inode(); }
    lv::RefPtr<RamUsage> usage;
    bool inode_charged = false;
};

// F_SEAL_* (fcntl(2)): what a memfd's seals forbid.
enum : u32 { kSealSeal = 1, kSealShrink = 2, kSealGrow = 4, kSealWrite = 8, kSealFutureWrite = 16 };

class RamFile final : public Inode, public RamCharge {
public:
    RamFile(FileSystem& fs, u32 mode) : Inode(fs, mode), RamCharge(fs) {}
    ~RamFile() override { usage->uncharge_pages(m_pages.page_count()); }
    ErrorOr<void> can_mmap(File&) override { return {}; }
    ErrorOr<size_t> read_at(u64 offset, const IoBuffer& buf, size_t n) override;
    ErrorOr<size_t> write_at(u64 offset, const IoBuffer& buf, size_t n) override;
    ErrorOr<void> truncate(u64 new_size) override;
    u64 allocated_blocks() const override { return m_pages.page_count() * (kDataPageSize / 512); }
    u64 next_data(u64 off) const override;
    // Preallocates zeroed pages for [offset, offset+len) (fallocate mode 0).
    ErrorOr<void> allocate(u64 offset, u64 len);
    // The pages are the file: mappings map them (a hole gets a page on first touch,
    // charged to the filesystem: ENOSPC is SIGBUS, as Linux's shmem_fault).
    bool has_pages() const override { return true; }
    ErrorOr<PhysAddr> vm_page(u64 index, bool write) override;
    bool vm_resident(u64 index) override; // a page, not a hole
    ErrorOr<void> punch_hole(u64 offset, u64 len) override;
    // A memfd: sealable, starting with `initial` (F_SEAL_SEAL unless MFD_ALLOW_SEALING).
    void make_memfd(u32 initial) { m_memfd = true; m_seals = initial; }
    ErrorOr<u32> seals() const override {
        if (!m_memfd) return Errno::EINVAL;
        return m_seals;
    }
    ErrorOr<void> add_seals(u32 seals) override;

private:
    PageTree m_pages;
    bool m_memfd = false;
    u32 m_seals = 0; // kSeal* (memfds only)
};

class RamSymlink final : public Inode, public RamCharge {
public:
    RamSymlink(FileSystem& fs) : Inode(fs, kIflnk | 0777), RamCharge(fs) {}
    ~RamSymlink() override { kfree(m_target); }
    ErrorOr<void> set_target(lv::StringView target);
    ErrorOr<size_t> readlink(char* buf, size_t cap) override;

private:
    char* m_target = nullptr;
};

// Device nodes, FIFOs and sockets: only metadata here (File::ops finds the driver).
class RamNode final : public Inode, public RamCharge {
public:
    RamNode(FileSystem& fs, u32 mode, u64 dev) : Inode(fs, mode), RamCharge(fs) { rdev = dev; }
};

struct RamDirEntry {
    char* name;
    u32 name_len;
    u32 hash;
    u64 cookie; // readdir position, increasing in creation order
    lv::RefPtr<Inode> inode;
    RamDirEntry* hash_next;
};

class RamDir final : public Inode, public RamCharge {
public:
    RamDir(FileSystem& fs, u32 perms, RamDir* parent);
    ~RamDir() override;

    ErrorOr<lv::RefPtr<Inode>> lookup(lv::StringView name) override;
    ErrorOr<lv::RefPtr<Inode>> create(lv::StringView name, u32 mode, u64 rdev) override;
    ErrorOr<lv::RefPtr<Inode>> symlink(lv::StringView name, lv::StringView target) override;
    ErrorOr<void> link(lv::StringView name, Inode& target) override;
    ErrorOr<void> unlink(lv::StringView name, bool rmdir) override;
    ErrorOr<void> rename(lv::StringView old_name, Inode& new_dir, lv::StringView new_name, u32 flags) override;
    ErrorOr<void> iterate(u64& cookie, DirEntrySink& sink) override;
    lv::RefPtr<Inode> parent() override { return m_is_root ? lv::RefPtr<Inode>(this) : m_parent; }
    bool name_of(Inode& child, char* buf, size_t cap, size_t& len) override;
    bool is_empty_dir() override { return m_entries.empty(); }

    // Adds an existing inode under `name` (devfs nodes, hard links). EEXIST if taken.
    ErrorOr<void> add(lv::StringView name, lv::RefPtr<Inode> inode);
    size_t entry_count() const { return m_entries.size(); }
    // Removes everything below this directory, as rm -rf would.
    void discard_tree();

private:
    RamDirEntry* find(lv::StringView name, u32 hash) const;
    ErrorOr<void> insert(lv::StringView name, lv::RefPtr<Inode> inode);
    // Unhooks the entry and returns its inode; adjusts link counts and times.
    lv::RefPtr<Inode> remove(RamDirEntry* e);
    ErrorOr<void> grow_buckets();
    void update_size() { size = (m_entries.size() + 2) * 20; } // tmpfs' BOGO_DIRENT_SIZE

    lv::Vector<RamDirEntry*> m_entries; // sorted by cookie
    RamDirEntry** m_buckets = nullptr;
    u32 m_bucket_count = 0;
    u64 m_next_cookie = 2; // 0 and 1 are "." and ".."
    lv::RefPtr<Inode> m_parent; // null once removed, and for the root (whose ".." is itself)
    bool m_is_root = false;
    friend FileSystem* create_ramfs(const char*, u64, u64, u64);
};

// A new ramfs instance with an empty root directory (mode 0755), holding at most
// max_pages data pages and max_inodes inodes (0: no limit).
FileSystem* create_ramfs(const char* name, u64 magic = kTmpfsMagic, u64 max_pages = 0, u64 max_inodes = 0);
} // namespace fs
