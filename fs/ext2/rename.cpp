// ext2 rename(2), renameat2's RENAME_NOREPLACE and RENAME_EXCHANGE within one
// filesystem (the VFS has checked EXDEV, loops and mount points).
#include <fs/ext2/ext2.h>

namespace fs::ext2 {
namespace {
constexpr u32 kNoReplace = 1, kExchange = 2;

// A directory moved from `from` to `to`: its ".." and the parents' link counts follow.
ErrorOr<void> reparent(Ext2Inode& dir, Ext2Inode& from, Ext2Inode& to) {
    if (&from == &to) return {};
    Ext2Inode::Slot dd;
    if (TRY(dir.find_entry("..", dd))) TRY(dir.set_entry_inode(dd, u32(to.ino), to.mode));
    from.nlink--;
    to.nlink++;
    TRY(from.store());
    return to.store();
}
} // namespace

ErrorOr<void> Ext2Inode::rename(lv::StringView old_name, Inode& new_dir_inode, lv::StringView new_name, u32 flags) {
    auto r = rename_entries(old_name, new_dir_inode, new_name, flags);
    ext2().drop_unlinked_recent(); // a replaced file is not kept for reuse
    return r;
}

ErrorOr<void> Ext2Inode::rename_entries(lv::StringView old_name, Inode& new_dir_inode, lv::StringView new_name, u32 flags) {
    auto& new_dir = static_cast<Ext2Inode&>(new_dir_inode); // same filesystem: checked by the VFS
    if (new_name.size > kNameLen) return Errno::ENAMETOOLONG;
    if (new_dir.nlink == 0) return Errno::ENOENT;
    Slot from;
    if (!TRY(find_entry(old_name, from))) return Errno::ENOENT;
    auto moving = TRY(ext2().inode(from.ino));
    Slot to;
    bool exists = TRY(new_dir.find_entry(new_name, to));

    if (flags & kExchange) {
        if (!exists) return Errno::ENOENT;
        auto other = TRY(ext2().inode(to.ino));
        TRY(set_entry_inode(from, u32(other->ino), other->mode));
        TRY(new_dir.set_entry_inode(to, u32(moving->ino), moving->mode));
        if (moving->is_dir()) TRY(reparent(*moving, *this, new_dir));
        if (other->is_dir()) TRY(reparent(*other, new_dir, *this));
        moving->touch_ctime();
        other->touch_ctime();
        TRY(moving->store());
        return other->store();
    }
    if (exists) {
        if (to.ino == from.ino) return {}; // two links to one inode: nothing happens
        if (flags & kNoReplace) return Errno::EEXIST;
        auto target = TRY(ext2().inode(to.ino));
        if (moving->is_dir()) {
            if (!target->is_dir()) return Errno::ENOTDIR;
            if (!target->is_empty_dir()) return Errno::ENOTEMPTY;
        } else if (target->is_dir()) {
            return Errno::EISDIR;
        }
        // The entry now names the moving inode; the replaced one loses a link (all of
        // them, for a directory, and its ".." leaves new_dir).
        TRY(new_dir.set_entry_inode(to, u32(moving->ino), moving->mode));
        if (target->is_dir()) {
            target->nlink = 0;
            new_dir.nlink--;
            TRY(new_dir.store());
        } else {
            target->nlink--;
        }
        target->touch_ctime();
        TRY(target->store());
    } else {
        if (moving->is_dir() && &new_dir != this && new_dir.nlink >= kLinkMax) return Errno::EMLINK;
        TRY(new_dir.add_entry(new_name, u32(moving->ino), moving->mode));
    }
    // The old entry: found again, because adding to the same block may have moved it.
    if (!TRY(find_entry(old_name, from)) || from.ino != moving->ino) return Errno::EIO;
    TRY(remove_entry(from));
    if (moving->is_dir()) TRY(reparent(*moving, *this, new_dir));
    moving->touch_ctime();
    return moving->store();
}
} // namespace fs::ext2
