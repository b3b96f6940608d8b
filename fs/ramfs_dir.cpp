// ramfs directories: entries in creation order (a Vector sorted by cookie) plus a
// chained hash table on the names.
#include <fs/path.h>
#include <fs/ramfs.h>

namespace fs {
namespace {
u32 hash_name(lv::StringView s) {
    u32 h = 2166136261u; // FNV-1a
    for (size_t i = 0; i < s.size; i++) h = (h ^ u8(s[i])) * 16777619u;
    return h;
}

void free_entry(RamDirEntry* e) {
    kfree(e->name);
    lv::destroy(e);
}

} // namespace

bool RamFs::statfs(StatFs& out) {
    RamUsage& u = *usage;
    if (!u.max_pages && !u.max_inodes) return false;
    out.block_size = kDataPageSize;
    out.blocks = u.max_pages;
    out.blocks_free = out.blocks_avail = u.max_pages - min(u.used_pages, u.max_pages);
    out.files = u.max_inodes;
    out.files_free = u.max_inodes - min(u.used_inodes, u.max_inodes);
    return true;
}

void RamFs::discard_tree() {
    if (root) static_cast<RamDir&>(*root).discard_tree();
}

// Iterative, without allocating: down through entries, back up through m_parent (a
// directory's entry in its parent keeps it alive until it is empty and removed), so a
// deep tree needs no stack.
void RamDir::discard_tree() {
    RamDir* cur = this;
    for (;;) {
        if (!cur->m_entries.empty()) {
            RamDirEntry* e = cur->m_entries.last();
            Inode& child = *e->inode;
            if (child.is_dir() && &child.fs == &fs) {
                auto& dir = static_cast<RamDir&>(child);
                if (!dir.m_entries.empty() && dir.m_parent.get() == cur) {
                    cur = &dir;
                    continue;
                }
            }
            lv::RefPtr<Inode> gone = cur->remove(e);
            if (gone->is_dir()) {
                gone->nlink = 0;
                if (&gone->fs == &fs) static_cast<RamDir&>(*gone).m_parent.clear();
            } else if (gone->nlink) {
                gone->nlink--;
            }
            continue;
        }
        if (cur == this || !cur->m_parent) return;
        cur = static_cast<RamDir*>(cur->m_parent.get());
    }
}

FileSystem* create_ramfs(const char* name, u64 magic, u64 max_pages, u64 max_inodes) {
    auto* fs = lv::make<RamFs>();
    if (!fs) return nullptr;
    fs->usage = lv::RefPtr<RamUsage>::adopt(lv::make<RamUsage>());
    if (!fs->usage) {
        lv::destroy(fs);
        return nullptr;
    }
    fs->usage->max_pages = max_pages;
    fs->usage->max_inodes = max_inodes;
    fs->usage->used_inodes = 1; // the root
    fs->dev = FileSystem::allocate_dev();
    fs->magic = magic;
    fs->name = name;
    auto* root = lv::make<RamDir>(*fs, 0755, nullptr);
    if (!root) {
        lv::destroy(fs);
        return nullptr;
    }
    root->m_is_root = true;
    fs->root = lv::RefPtr<Inode>::adopt(root);
    return fs;
}

RamDir::RamDir(FileSystem& fs, u32 perms, RamDir* parent)
    : Inode(fs, kIfdir | (perms & kPermMask)), RamCharge(fs), m_parent(parent) {
    nlink = 2;
    update_size();
}

RamDir::~RamDir() {
    for (RamDirEntry* e : m_entries) free_entry(e);
    kfree(m_buckets);
}

RamDirEntry* RamDir::find(lv::StringView name, u32 hash) const {
    if (!m_buckets) return nullptr;
    for (RamDirEntry* e = m_buckets[hash & (m_bucket_count - 1)]; e; e = e->hash_next)
        if (e->hash == hash && e->name_len == name.size && memcmp(e->name, name.data, name.size) == 0) return e;
    return nullptr;
}

ErrorOr<void> RamDir::grow_buckets() {
    u32 count = m_bucket_count ? m_bucket_count * 2 : 8;
    auto** b = static_cast<RamDirEntry**>(kzalloc(count * sizeof(RamDirEntry*)));
    if (!b) return Errno::ENOMEM;
    for (RamDirEntry* e : m_entries) {
        RamDirEntry*& head = b[e->hash & (count - 1)];
        e->hash_next = head;
        head = e;
    }
    kfree(m_buckets);
    m_buckets = b;
    m_bucket_count = count;
    return {};
}

ErrorOr<void> RamDir::insert(lv::StringView name, lv::RefPtr<Inode> inode) {
    if (m_entries.size() + 1 > size_t(m_bucket_count)) TRY(grow_buckets());
    if (!m_entries.try_reserve(m_entries.size() + 1)) return Errno::ENOMEM;
    auto* e = lv::make<RamDirEntry>();
    char* n = static_cast<char*>(kmalloc(name.size ? name.size : 1));
    if (!e || !n) {
        lv::destroy(e);
        kfree(n);
        return Errno::ENOMEM;
    }
    memcpy(n, name.data, name.size);
    e->name = n;
    e->name_len = u32(name.size);
    e->hash = hash_name(name);
    e->cookie = m_next_cookie++;
    e->inode = lv::move(inode);
    RamDirEntry*& head = m_buckets[e->hash & (m_bucket_count - 1)];
    e->hash_next = head;
    head = e;
    (void)m_entries.try_append(e); // reserved above
    if (e->inode->is_dir()) nlink++;
    update_size();
    touch_mtime();
    return {};
}

lv::RefPtr<Inode> RamDir::remove(RamDirEntry* e) {
    RamDirEntry** link = &m_buckets[e->hash & (m_bucket_count - 1)];
    while (*link != e) link = &(*link)->hash_next;
    *link = e->hash_next;
    // Binary search by cookie: the vector is sorted.
    size_t lo = 0, hi = m_entries.size();
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m_entries[mid]->cookie < e->cookie) lo = mid + 1;
        else hi = mid;
    }
    m_entries.remove(lo);
    lv::RefPtr<Inode> inode = lv::move(e->inode);
    free_entry(e);
    if (inode->is_dir()) nlink--;
    update_size();
    touch_mtime();
    return inode;
}

ErrorOr<void> RamDir::add(lv::StringView name, lv::RefPtr<Inode> inode) {
    if (find(name, hash_name(name))) return Errno::EEXIST;
    return insert(name, lv::move(inode));
}

ErrorOr<lv::RefPtr<Inode>> RamDir::lookup(lv::StringView name) {
    if (is_dot(name)) return lv::RefPtr<Inode>(this);
    if (is_dotdot(name)) {
        auto p = parent();
        if (!p) return Errno::ENOENT;
        return p;
    }
    RamDirEntry* e = find(name, hash_name(name));
    if (!e) return Errno::ENOENT;
    return e->inode;
}

ErrorOr<lv::RefPtr<Inode>> RamDir::create(lv::StringView name, u32 mode, u64 dev) {
    // A removed directory (still someone's cwd) accepts no new entries.
    if (!m_is_root && !m_parent) return Errno::ENOENT;
    if (find(name, hash_name(name))) return Errno::EEXIST;
    Inode* raw = nullptr;
    RamCharge* charge = nullptr;
    switch (mode & kIfmt) {
    case kIfreg: case kIfdir: case kIfchr: case kIfblk: case kIfifo: case kIfsock: break;
    default: return Errno::EINVAL;
    }
    RamUsage& rfs = *usage;
    if (!rfs.charge_inode()) return Errno::ENOSPC; // nr_inodes
    switch (mode & kIfmt) {
    case kIfreg: { auto* f = lv::make<RamFile>(fs, mode); raw = f; charge = f; break; }
    case kIfdir: { auto* d = lv::make<RamDir>(fs, mode, this); raw = d; charge = d; break; }
    default: { auto* n = lv::make<RamNode>(fs, mode, dev); raw = n; charge = n; break; }
    }
    if (!raw) { rfs.uncharge_inode(); return Errno::ENOMEM; }
    charge->inode_charged = true;
    auto inode = lv::RefPtr<Inode>::adopt(raw);
    TRY(insert(name, inode));
    return inode;
}

ErrorOr<lv::RefPtr<Inode>> RamDir::symlink(lv::StringView name, lv::StringView target) {
    if (!m_is_root && !m_parent) return Errno::ENOENT;
    if (find(name, hash_name(name))) return Errno::EEXIST;
    RamUsage& rfs = *usage;
    if (!rfs.charge_inode()) return Errno::ENOSPC;
    auto* raw = lv::make<RamSymlink>(fs);
    if (!raw) { rfs.uncharge_inode(); return Errno::ENOMEM; }
    raw->inode_charged = true;
    auto inode = lv::RefPtr<Inode>::adopt(raw);
    TRY(raw->set_target(target));
    TRY(insert(name, inode));
    return inode;
}

ErrorOr<void> RamDir::link(lv::StringView name, Inode& target) {
    if (!m_is_root && !m_parent) return Errno::ENOENT;
    if (find(name, hash_name(name))) return Errno::EEXIST;
    TRY(insert(name, lv::RefPtr<Inode>(&target)));
    target.nlink++;
    target.touch_ctime();
    return {};
}

ErrorOr<void> RamDir::unlink(lv::StringView name, bool rmdir) {
    RamDirEntry* e = find(name, hash_name(name));
    if (!e) return Errno::ENOENT;
    Inode& victim = *e->inode;
    if (rmdir) {
        if (!victim.is_dir()) return Errno::ENOTDIR;
        if (!victim.is_empty_dir()) return Errno::ENOTEMPTY;
    } else if (victim.is_dir()) {
        return Errno::EISDIR;
    }
    lv::RefPtr<Inode> gone = remove(e);
    if (gone->is_dir()) {
        gone->nlink = 0;
        static_cast<RamDir&>(*gone).m_parent.clear();
    } else {
        gone->nlink--;
    }
    gone->touch_ctime();
    return {};
}

ErrorOr<void> RamDir::rename(lv::StringView old_name, Inode& new_dir_inode, lv::StringView new_name, u32 flags) {
    constexpr u32 kNoReplace = 1, kExchange = 2;
    auto& new_dir = static_cast<RamDir&>(new_dir_inode); // same filesystem: checked by the VFS
    if (!new_dir.m_is_root && !new_dir.m_parent) return Errno::ENOENT;
    RamDirEntry* old_e = find(old_name, hash_name(old_name));
    if (!old_e) return Errno::ENOENT;
    RamDirEntry* new_e = new_dir.find(new_name, hash_name(new_name));
    lv::RefPtr<Inode> moving = old_e->inode;

    if (flags & kExchange) {
        if (!new_e) return Errno::ENOENT;
        lv::RefPtr<Inode> other = new_e->inode;
        lv::swap(old_e->inode, new_e->inode);
        if (this != &new_dir && moving->is_dir() != other->is_dir()) {
            // A directory changes parents: move its ".." link count along.
            if (moving->is_dir()) { nlink--; new_dir.nlink++; }
            else { nlink++; new_dir.nlink--; }
        }
        if (moving->is_dir()) static_cast<RamDir&>(*moving).m_parent = &new_dir;
        if (other->is_dir()) static_cast<RamDir&>(*other).m_parent = this;
        moving->touch_ctime();
        other->touch_ctime();
        touch_mtime();
        new_dir.touch_mtime();
        return {};
    }
    if (new_e) {
        if (new_e->inode == moving) return {}; // two links to one inode: nothing to do
        if (flags & kNoReplace) return Errno::EEXIST;
        Inode& target = *new_e->inode;
        if (moving->is_dir()) {
            if (!target.is_dir()) return Errno::ENOTDIR;
            if (!target.is_empty_dir()) return Errno::ENOTEMPTY;
        } else if (target.is_dir()) {
            return Errno::EISDIR;
        }
    }
    // Make room for the new entry first, so that nothing is lost on ENOMEM.
    if (!new_e && new_dir.m_entries.size() + 1 > size_t(new_dir.m_bucket_count)) TRY(new_dir.grow_buckets());
    if (!new_dir.m_entries.try_reserve(new_dir.m_entries.size() + 1)) return Errno::ENOMEM;
    if (new_e) {
        lv::RefPtr<Inode> replaced = new_dir.remove(new_e);
        if (replaced->is_dir()) {
            replaced->nlink = 0;
            static_cast<RamDir&>(*replaced).m_parent.clear();
        } else {
            replaced->nlink--;
        }
        replaced->touch_ctime();
    }
    remove(old_e);
    TRY(new_dir.insert(new_name, moving));
    if (moving->is_dir()) static_cast<RamDir&>(*moving).m_parent = &new_dir;
    moving->touch_ctime();
    return {};
}

ErrorOr<void> RamDir::iterate(u64& cookie, DirEntrySink& sink) {
    if (!emit_dot_entries(*this, cookie, sink)) return {};
    size_t lo = 0, hi = m_entries.size();
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m_entries[mid]->cookie < cookie) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < m_entries.size(); i++) {
        RamDirEntry* e = m_entries[i];
        if (!sink.emit(lv::StringView(e->name, e->name_len), e->inode->ino, dtype_of_mode(e->inode->mode), e->cookie + 1))
            return {};
        cookie = e->cookie + 1;
    }
    return {};
}

bool RamDir::name_of(Inode& child, char* buf, size_t cap, size_t& len) {
    for (RamDirEntry* e : m_entries) {
        if (e->inode.get() != &child) continue;
        if (e->name_len > cap) return false;
        memcpy(buf, e->name, e->name_len);
        len = e->name_len;
        return true;
    }
    return false;
}
} // namespace fs
