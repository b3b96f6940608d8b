// ext2 directories: blocks of variable-length entries {inode, rec_len, name_len,
// file_type, name}; an entry's rec_len reaches the next one, the last one's the end of
// the block; a removed entry is merged into the one before it (or gets inode 0 when it
// is the first of its block). Lookups are linear scans. Hashed (dir_index) directories
// keep their tree in entries that old code sees as unused space: this driver reads them
// as plain directories and clears the index flag when it changes one, as Linux's ext2
// does (e2fsck may rebuild the index).
#include <fs/ext2/ext2.h>
#include <fs/path.h>
#include <kernel/log.h>
#include <lib/string.h>

namespace fs::ext2 {
namespace {
u8 file_type_of(u32 mode) {
    switch (mode & kIfmt) {
    case kIfreg: return kFtReg;
    case kIfdir: return kFtDir;
    case kIfchr: return kFtChr;
    case kIfblk: return kFtBlk;
    case kIfifo: return kFtFifo;
    case kIfsock: return kFtSock;
    case kIflnk: return kFtSymlink;
    default: return kFtUnknown;
    }
}

u8 dtype_of(u8 ft) {
    static const u8 map[] = {kDtUnknown, kDtReg, kDtDir, kDtChr, kDtBlk, kDtFifo, kDtSock, kDtLnk};
    return ft < sizeof map ? map[ft] : kDtUnknown;
}

lv::StringView name_of_entry(const DirEntry* e) { return {e->name, e->name_len}; }

struct DirEntryRef {
    u32 block;      // disk block
    BlockRef* ref;  // pinned while the callback runs
    DirEntry* e;
    u32 offset, prev;
    u64 pos;        // position in the directory
};
} // namespace

// Runs fn(DirEntryRef&) on each entry (unused ones too) from directory position
// `start` (rounded down to its block) until fn returns true. Returns whether it did.
template <typename F>
static ErrorOr<bool> walk_dir(Ext2Inode& dir, u64 start, F fn) {
    Ext2Fs& f = dir.ext2();
    u32 bs = f.block_size();
    for (u64 lb = start / bs; lb * bs < dir.size; lb++) {
        u32 pb = TRY(dir.bmap(lb, false));
        if (!pb) continue; // a hole: e2fsck would complain; nothing to read
        auto b = TRY(f.block(pb));
        u32 prev = Ext2Inode::Slot::kNone;
        for (u32 off = 0; off < bs;) {
            auto* e = reinterpret_cast<DirEntry*>(b.data() + off);
            if (e->rec_len < 12 || e->rec_len % 4 || off + e->rec_len > bs ||
                (e->inode && dir_rec_len(e->name_len) > e->rec_len)) {
                log_error("ext2 %s: directory %lu: bad entry at block %lu offset %u", f.device().name, dir.ino, lb, off);
                return Errno::EIO;
            }
            DirEntryRef r {pb, &b, e, off, prev, lb * bs + off};
            if (fn(r)) return true;
            prev = off;
            off += e->rec_len;
        }
    }
    return false;
}

ErrorOr<bool> Ext2Inode::find_entry(lv::StringView name, Slot& out) {
    return walk_dir(*this, 0, [&](DirEntryRef& r) {
        if (!r.e->inode || name_of_entry(r.e) != name) return false;
        out = {r.block, r.offset, r.prev, r.e->inode};
        return true;
    });
}

ErrorOr<void> Ext2Inode::add_entry(lv::StringView name, u32 child, u32 child_mode) {
    Ext2Fs& f = ext2();
    u32 need = dir_rec_len(u32(name.size));
    u8 ft = f.has_filetype() ? file_type_of(child_mode) : 0;
    auto fill = [&](DirEntry* e, u16 rec_len) {
        e->inode = child;
        e->rec_len = rec_len;
        e->name_len = u8(name.size);
        e->file_type = ft;
        memcpy(e->name, name.data, name.size);
    };
    // The first entry with room: unused, or with slack after its name.
    bool placed = TRY(walk_dir(*this, 0, [&](DirEntryRef& r) {
        DirEntry* e = r.e;
        if (!e->inode && e->rec_len >= need) {
            fill(e, e->rec_len);
        } else if (e->inode && e->rec_len - dir_rec_len(e->name_len) >= need) {
            u16 used = u16(dir_rec_len(e->name_len));
            auto* n = reinterpret_cast<DirEntry*>(reinterpret_cast<u8*>(e) + used);
            fill(n, u16(e->rec_len - used));
            e->rec_len = used;
        } else {
            return false;
        }
        r.ref->mark_dirty();
        return true;
    }));
    if (!placed) {
        // A new block at the end, all of it one entry.
        u32 bs = f.block_size();
        bool fresh = false;
        u32 pb = TRY(bmap(size / bs, true, &fresh));
        auto b = TRY(f.block(pb));
        memset(b.data(), 0, bs);
        fill(b.as<DirEntry>(), u16(bs));
        b.mark_dirty();
        size += bs;
    }
    m_raw.flags &= ~kIndexFl;
    touch_mtime();
    return store();
}

ErrorOr<void> Ext2Inode::remove_entry(const Slot& s) {
    auto b = TRY(ext2().block(s.block));
    auto* e = reinterpret_cast<DirEntry*>(b.data() + s.offset);
    if (s.prev != Slot::kNone) reinterpret_cast<DirEntry*>(b.data() + s.prev)->rec_len += e->rec_len;
    else e->inode = 0;
    b.mark_dirty();
    m_raw.flags &= ~kIndexFl;
    touch_mtime();
    return store();
}

ErrorOr<void> Ext2Inode::set_entry_inode(const Slot& s, u32 child, u32 child_mode) {
    auto b = TRY(ext2().block(s.block));
    auto* e = reinterpret_cast<DirEntry*>(b.data() + s.offset);
    e->inode = child;
    e->file_type = ext2().has_filetype() ? file_type_of(child_mode) : 0;
    b.mark_dirty();
    touch_mtime();
    return store();
}

ErrorOr<lv::RefPtr<Inode>> Ext2Inode::lookup(lv::StringView name) {
    if (!is_dir()) return Errno::ENOTDIR;
    if (is_dot(name)) return lv::RefPtr<Inode>(this);
    if (is_dotdot(name)) {
        auto p = parent();
        if (!p) return Errno::ENOENT;
        return p;
    }
    Slot s;
    if (!TRY(find_entry(name, s))) return Errno::ENOENT;
    return lv::RefPtr<Inode>(TRY(ext2().inode(s.ino)));
}

lv::RefPtr<Inode> Ext2Inode::parent() {
    if (!is_dir() || nlink == 0) return nullptr;
    if (ino == kRootIno) return lv::RefPtr<Inode>(this);
    Slot s;
    auto found = find_entry("..", s);
    if (found.is_error() || !found.value()) return nullptr;
    auto p = ext2().inode(s.ino);
    if (p.is_error()) return nullptr;
    return lv::RefPtr<Inode>(p.release_value());
}

bool Ext2Inode::name_of(Inode& child, char* buf, size_t cap, size_t& len) {
    auto found = walk_dir(*this, 0, [&](DirEntryRef& r) {
        lv::StringView n = name_of_entry(r.e);
        if (r.e->inode != child.ino || is_dot(n) || is_dotdot(n) || n.size > cap) return false;
        memcpy(buf, n.data, n.size);
        len = n.size;
        return true;
    });
    return !found.is_error() && found.value();
}

bool Ext2Inode::is_empty_dir() {
    auto found = walk_dir(*this, 0, [&](DirEntryRef& r) {
        lv::StringView n = name_of_entry(r.e);
        return r.e->inode && !is_dot(n) && !is_dotdot(n);
    });
    return !found.is_error() && !found.value();
}

ErrorOr<void> Ext2Inode::iterate(u64& cookie, DirEntrySink& sink) {
    // Cookies are byte positions. Resuming re-reads the block from its start and skips
    // what lies before the cookie: entries merged away meanwhile leave no stale position.
    bool has_ft = ext2().has_filetype();
    TRY(walk_dir(*this, cookie, [&](DirEntryRef& r) {
        if (r.pos < cookie) return false;
        u64 next = r.pos + r.e->rec_len;
        if (r.e->inode && !sink.emit(name_of_entry(r.e), r.e->inode, has_ft ? dtype_of(r.e->file_type) : kDtUnknown, next))
            return true; // the sink is full: this entry comes again next time
        cookie = next;
        return false;
    }));
    return {};
}
} // namespace fs::ext2
