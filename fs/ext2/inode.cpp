// ext2 inodes in memory: loading, storing, stat, fsync, and the end of an unlinked
// inode's life. See ext2.h.
#include <fs/ext2/ext2.h>
#include <fs/file.h>
#include <fs/mutex.h>
#include <kernel/time.h>
#include <lib/string.h>

namespace fs::ext2 {
namespace {
// ext4's extra timestamp field: nanoseconds << 2, and two epoch bits extending the
// 32-bit seconds past 2038 (Documentation/filesystems/ext4/inodes.rst).
u32 encode_extra(const KTimespec& t) { return u32(t.nsec) << 2 | (u32(u64(t.sec - i64(i32(t.sec))) >> 32) & 3); }
KTimespec decode(u32 sec, u32 extra, bool has_extra) {
    i64 s = i32(sec);
    if (!has_extra) return {s, 0};
    s += i64(extra & 3) << 32;
    return {s, i64(extra >> 2)};
}

u32 ext2_block_size(const FileSystem& f) { return static_cast<const Ext2Fs&>(f).block_size(); }

bool is_mapped_type(u32 mode) {
    u32 t = mode & kIfmt;
    return t == kIfreg || t == kIfdir || t == kIflnk;
}
} // namespace

Ext2Inode::Ext2Inode(Ext2Fs& f, u32 number, const DiskInode& raw) : Inode(f, raw.mode), m_raw(raw) {
    ino = number;
    uid = raw.uid | u32(raw.uid_high) << 16;
    gid = raw.gid | u32(raw.gid_high) << 16;
    nlink = raw.links_count;
    size = raw.size;
    if (is_regular()) size |= u64(raw.size_high) << 32;
    bool extra = f.disk_inode_size() > kGoodOldInodeSize && raw.extra_isize >= kExtraTimesIsize;
    atime = decode(raw.atime, raw.atime_extra, extra);
    mtime = decode(raw.mtime, raw.mtime_extra, extra);
    ctime = decode(raw.ctime, raw.ctime_extra, extra);
    if (type() == kIfchr || type() == kIfblk) {
        // Old encoding (major and minor below 256) in block[0], else the new one in
        // block[1] (Linux's old_decode_dev / new_decode_dev).
        u32 d = raw.block[0];
        if (d) rdev = make_dev((d >> 8) & 0xff, d & 0xff);
        else {
            d = raw.block[1];
            rdev = make_dev((d & 0xfff00) >> 8, (d & 0xff) | ((d >> 12) & 0xfff00));
        }
    }
}

Ext2Inode::~Ext2Inode() {
    // The last reference may be dropped anywhere (a close): take the lock here.
    MutexLocker l(vfs_lock());
    // Whatever happens below, the pages go last (written back first when they must).
    struct DropPages {
        Ext2Inode& i;
        ~DropPages() { i.drop_pages_from(0); }
    } drop {*this};
    Ext2Fs& f = ext2();
    f.forget(*this);
    if (!f.m_sb || m_freed) return; // unmounted meanwhile, or already freed
    // Someone looked this inode up again while we waited for the lock: that copy is
    // the live one now (it was read from disk after all of this driver's own changes).
    for (Ext2Inode* other : f.m_inodes)
        if (other->ino == ino) return;
    if (nlink == 0 && !f.read_only) {
        (void)release_on_disk();
    } else {
        if (!f.read_only) (void)write_back_pages();
        (void)store();
    }
}

ErrorOr<void> Ext2Inode::store() {
    Ext2Fs& f = ext2();
    if (m_freed || f.read_only || !f.m_sb) return {};
    DiskInode d = m_raw;
    d.mode = u16(mode);
    d.uid = u16(uid), d.uid_high = u16(uid >> 16);
    d.gid = u16(gid), d.gid_high = u16(gid >> 16);
    d.links_count = u16(nlink);
    d.size = u32(size);
    if (is_regular()) {
        d.size_high = u32(size >> 32);
        if (size > 0x7fffffffu) f.note_large_file();
    }
    d.atime = u32(atime.sec), d.mtime = u32(mtime.sec), d.ctime = u32(ctime.sec);
    if (f.disk_inode_size() > kGoodOldInodeSize && d.extra_isize >= kExtraTimesIsize) {
        d.atime_extra = encode_extra(atime);
        d.mtime_extra = encode_extra(mtime);
        d.ctime_extra = encode_extra(ctime);
    }
    if (type() == kIfchr || type() == kIfblk) {
        u32 ma = dev_major(rdev), mi = dev_minor(rdev);
        if (ma < 256 && mi < 256) d.block[0] = ma << 8 | mi, d.block[1] = 0;
        else d.block[0] = 0, d.block[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
    }
    if (memcmp(&d, &m_raw, sizeof d) == 0) return {};
    TRY(f.write_raw_inode(ino, d));
    m_raw = d;
    return {};
}

bool Ext2Inode::is_fast_symlink() const {
    u32 xattr_blocks = m_raw.file_acl ? ext2_block_size(fs) / 512 : 0;
    return is_symlink() && m_raw.blocks == xattr_blocks;
}

KStat Ext2Inode::stat() {
    KStat st = Inode::stat();
    st.blksize = ext2().block_size();
    return st;
}

ErrorOr<void> Ext2Inode::fsync() {
    {
        MutexLocker l(vfs_lock());
        TRY(write_back_pages());
        TRY(store());
    }
    // FIXME: the whole device is written back, not only this file's blocks.
    return drivers::block::sync(ext2().device());
}

// Frees the blocks, the xattr block and the inode number of an inode nobody links to or
// uses any more (ext2_evict_inode + ext2_free_inode).
ErrorOr<void> Ext2Inode::release_on_disk() {
    Ext2Fs& f = ext2();
    if (is_mapped_type(mode) && !is_fast_symlink()) TRY(free_blocks_from(0));
    if (m_raw.file_acl) {
        // A shared extended-attribute block: drop our reference.
        auto b = TRY(f.block(m_raw.file_acl));
        auto* h = b.as<XattrHeader>();
        if (h->refcount > 1) {
            h->refcount--;
            b.mark_dirty();
        } else {
            f.free_block(m_raw.file_acl);
        }
        m_raw.blocks -= f.block_size() / 512;
        m_raw.file_acl = 0;
    }
    size = 0;
    TRY(store());
    // e2fsck tells a deleted inode by its dtime.
    m_raw.dtime = u32(kernel::time::realtime_now().sec);
    TRY(f.write_raw_inode(ino, m_raw));
    f.free_inode(ino, is_dir());
    m_freed = true;
    return {};
}
} // namespace fs::ext2
