// ext2 directory tree operations: create (files, directories, nodes), symlink, link,
// unlink/rmdir and rename. The VFS has resolved the paths and checked EXDEV, "." and
// "..", mount points and loops; errors left to the filesystem are Linux's.
#include <fs/ext2/ext2.h>
#include <kernel/random.h>
#include <lib/string.h>

namespace fs::ext2 {
namespace {
// A new inode (links 1, times now) for an entry in `dir`, stored and loaded.
ErrorOr<lv::RefPtr<Ext2Inode>> new_inode(Ext2Inode& dir, u32 mode) {
    Ext2Fs& f = dir.ext2();
    bool is_dir = (mode & kIfmt) == kIfdir;
    u32 ino = TRY(f.alloc_inode(u32(dir.ino), is_dir));
    DiskInode raw {};
    raw.mode = u16(mode);
    raw.links_count = 1;
    raw.atime = raw.ctime = raw.mtime = u32(now().sec);
    kernel::random::fill(&raw.generation, sizeof raw.generation);
    if (f.disk_inode_size() > kGoodOldInodeSize) {
        raw.extra_isize = f.want_extra_isize(); // 0 is allowed: no extra fields
        if (raw.extra_isize >= kExtraTimesIsize) raw.crtime = raw.ctime;
    }
    auto r = f.write_raw_inode(ino, raw);
    if (r.is_error()) {
        f.free_inode(ino, is_dir);
        return r.error();
    }
    auto inode = f.inode(ino);
    if (inode.is_error()) f.free_inode(ino, is_dir);
    return inode;
}

ErrorOr<void> check_name(lv::StringView name) {
    if (name.size > kNameLen) return Errno::ENAMETOOLONG;
    return {};
}
} // namespace

ErrorOr<void> Ext2Inode::init_dir_block(u32 parent_ino) {
    Ext2Fs& f = ext2();
    u32 bs = f.block_size();
    u32 pb = TRY(bmap(0, true));
    auto b = TRY(f.block(pb));
    memset(b.data(), 0, bs);
    auto* dot = b.as<DirEntry>();
    dot->inode = u32(ino);
    dot->rec_len = 12;
    dot->name_len = 1;
    dot->file_type = f.has_filetype() ? kFtDir : 0;
    dot->name[0] = '.';
    auto* dotdot = b.as<DirEntry>(12);
    dotdot->inode = parent_ino;
    dotdot->rec_len = u16(bs - 12);
    dotdot->name_len = 2;
    dotdot->file_type = dot->file_type;
    dotdot->name[0] = dotdot->name[1] = '.';
    b.mark_dirty();
    size = bs;
    nlink = 2; // "." and the entry in the parent
    return store();
}

ErrorOr<lv::RefPtr<Inode>> Ext2Inode::create(lv::StringView name, u32 new_mode, u64 new_rdev) {
    if (!is_dir()) return Errno::ENOTDIR;
    if (nlink == 0) return Errno::ENOENT; // a removed directory takes no new entries
    TRY(check_name(name));
    Slot s;
    if (TRY(find_entry(name, s))) return Errno::EEXIST;
    u32 type = new_mode & kIfmt;
    if (type != kIfreg && type != kIfdir && type != kIfchr && type != kIfblk && type != kIfifo && type != kIfsock)
        return Errno::EINVAL;
    bool dir = type == kIfdir;
    if (dir && nlink >= kLinkMax) return Errno::EMLINK;
    auto child = TRY(new_inode(*this, new_mode));
    child->rdev = (type == kIfchr || type == kIfblk) ? new_rdev : 0;
    ErrorOr<void> r = dir ? child->init_dir_block(u32(ino)) : child->store();
    if (!r.is_error()) r = add_entry(name, u32(child->ino), new_mode);
    if (r.is_error()) {
        child->nlink = 0; // its destructor gives everything back
        return r.error();
    }
    if (dir) {
        nlink++; // the child's ".."
        TRY(store());
    }
    return lv::RefPtr<Inode>(lv::move(child));
}

ErrorOr<lv::RefPtr<Inode>> Ext2Inode::symlink(lv::StringView name, lv::StringView target) {
    if (!is_dir()) return Errno::ENOTDIR;
    if (nlink == 0) return Errno::ENOENT;
    TRY(check_name(name));
    if (target.size >= ext2().block_size()) return Errno::ENAMETOOLONG; // ext2_symlink
    Slot s;
    if (TRY(find_entry(name, s))) return Errno::EEXIST;
    auto child = TRY(new_inode(*this, kIflnk | 0777));
    ErrorOr<void> r;
    if (target.size < sizeof child->m_raw.block) {
        // A fast symlink: the target (and its NUL) in i_block itself.
        memcpy(child->m_raw.block, target.data, target.size);
        child->size = target.size;
        r = child->store();
    } else {
        auto w = child->write_at(0, IoBuffer::kernel(target.data), target.size);
        r = w.is_error() ? ErrorOr<void>(w.error()) : ErrorOr<void>();
    }
    if (!r.is_error()) r = add_entry(name, u32(child->ino), child->mode);
    if (r.is_error()) {
        child->nlink = 0;
        return r.error();
    }
    return lv::RefPtr<Inode>(lv::move(child));
}

ErrorOr<void> Ext2Inode::link(lv::StringView name, Inode& target) {
    if (!is_dir()) return Errno::ENOTDIR;
    if (nlink == 0) return Errno::ENOENT;
    TRY(check_name(name));
    if (&target.fs != &fs) return Errno::EXDEV;
    if (target.nlink >= kLinkMax) return Errno::EMLINK;
    Slot s;
    if (TRY(find_entry(name, s))) return Errno::EEXIST;
    TRY(add_entry(name, u32(target.ino), target.mode));
    target.nlink++;
    target.touch_ctime();
    return static_cast<Ext2Inode&>(target).store();
}

ErrorOr<void> Ext2Inode::unlink(lv::StringView name, bool rmdir) {
    if (!is_dir()) return Errno::ENOTDIR;
    Slot s;
    if (!TRY(find_entry(name, s))) return Errno::ENOENT;
    auto victim = TRY(ext2().inode(s.ino));
    if (rmdir) {
        if (!victim->is_dir()) return Errno::ENOTDIR;
        if (!victim->is_empty_dir()) return Errno::ENOTEMPTY;
    } else if (victim->is_dir()) {
        return Errno::EISDIR;
    }
    TRY(remove_entry(s));
    if (victim->is_dir()) {
        victim->nlink = 0; // its "." and our entry
        nlink--;           // its ".."
        TRY(store());
    } else if (victim->nlink > 0) {
        victim->nlink--;
    }
    victim->touch_ctime();
    TRY(victim->store()); // freed when its last user lets go (~Ext2Inode)
    if (victim->nlink == 0) ext2().drop_unlinked_recent(); // not kept for reuse
    return {};
}
} // namespace fs::ext2
