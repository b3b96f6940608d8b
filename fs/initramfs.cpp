// Unpacking the initramfs (a newc cpio archive, see fs/cpio.h) into the root ramfs,
// as Linux's init/initramfs.c does: directories, files, symlinks, device nodes and
// FIFOs with their modes, owners and mtimes; hard links (nlink >= 2 with a shared
// inode number); missing parent directories are created (0755).
#include <fs/cpio.h>
#include <fs/file.h>
#include <fs/kernel_api.h>
#include <fs/mutex.h>
#include <fs/vfs.h>
#include <kernel/log.h>
#include <lib/vector.h>

namespace fs {
namespace {
struct HardLink {
    u32 ino, dev_major, dev_minor;
    lv::RefPtr<Inode> inode;
};
struct DirTime {
    lv::RefPtr<Inode> dir;
    u32 mtime;
};

class Unpacker {
public:
    ErrorOr<void> entry(const cpio::Entry& e);
    void finish();

private:
    ErrorOr<lv::RefPtr<Inode>> directory(lv::StringView path);
    ErrorOr<lv::RefPtr<Inode>> make(Inode& dir, lv::StringView name, const cpio::Entry& e);

    lv::Vector<HardLink> m_links;
    lv::Vector<DirTime> m_dir_times; // set last: adding entries changes a dir's mtime
    // The last parent directory looked up: archives list a directory's files together.
    char m_last_dir[kPathMax];
    size_t m_last_dir_len = ~size_t(0);
    lv::RefPtr<Inode> m_last_dir_inode;
};

void set_attributes(Inode& inode, const cpio::Entry& e) {
    inode.mode = (inode.mode & kIfmt) | (e.mode & kPermMask);
    inode.uid = e.uid;
    inode.gid = e.gid;
    inode.mtime = inode.atime = KTimespec {i64(e.mtime), 0};
}

// The directory at `path` (relative to /), created with its parents if missing.
ErrorOr<lv::RefPtr<Inode>> Unpacker::directory(lv::StringView path) {
    if (path.empty()) return root_inode();
    if (path.size == m_last_dir_len && memcmp(path.data, m_last_dir, path.size) == 0) return m_last_dir_inode;
    auto root = root_inode();
    auto found = resolve(*root, path, true);
    lv::RefPtr<Inode> dir;
    if (!found.is_error()) {
        dir = found.release_value();
    } else if (found.error() == Errno::ENOENT) {
        SplitPath s = split_last(path);
        auto parent = TRY(directory(s.dir));
        auto made = parent->create(s.name, kIfdir | 0755, 0);
        dir = made.is_error() ? TRY(parent->lookup(s.name)) : made.release_value();
    } else {
        return found.error();
    }
    if (!dir->is_dir()) return Errno::ENOTDIR;
    if (path.size < kPathMax) {
        memcpy(m_last_dir, path.data, path.size);
        m_last_dir_len = path.size;
        m_last_dir_inode = dir;
    }
    return dir;
}

ErrorOr<lv::RefPtr<Inode>> Unpacker::make(Inode& dir, lv::StringView name, const cpio::Entry& e) {
    u32 type = e.mode & kIfmt;
    auto existing = dir.lookup(name);
    if (!existing.is_error()) {
        lv::RefPtr<Inode> old = existing.release_value();
        if (type == kIfdir && old->is_dir()) return old; // listed twice: update it
        // Anything else replaces what was there (Linux's clean_path).
        TRY(dir.unlink(name, old->is_dir()));
    }
    switch (type) {
    case kIfdir:
    case kIfreg:
    case kIfifo:
    case kIfsock:
        return dir.create(name, type | 0600, 0);
    case kIfchr:
    case kIfblk:
        return dir.create(name, type | 0600, make_dev(e.rdev_major, e.rdev_minor));
    case kIflnk: {
        if (e.size == 0 || e.size >= kPathMax) return Errno::EINVAL;
        return dir.symlink(name, lv::StringView(reinterpret_cast<const char*>(e.data), e.size));
    }
    default:
        return Errno::EINVAL;
    }
}

ErrorOr<void> Unpacker::entry(const cpio::Entry& e) {
    lv::StringView name = e.name;
    // "./a", "/a" and "a" are the same file; "." is the root itself.
    while (name.starts_with("./") || name.starts_with("/")) name = name.substr(name[0] == '/' ? 1 : 2);
    if (name.empty() || is_dot(name)) return {};
    TRY(check_path(name));
    SplitPath s = split_last(name);
    if (s.name.empty() || is_dotdot(s.name)) return Errno::EINVAL;
    auto dir = TRY(directory(s.dir));
    u32 type = e.mode & kIfmt;

    // A later name of a hard-linked file links to the first; GNU cpio puts the data on
    // the last name, so data may still follow.
    if (type == kIfreg && e.nlink >= 2) {
        for (HardLink& h : m_links) {
            if (h.ino != e.ino || h.dev_major != e.dev_major || h.dev_minor != e.dev_minor) continue;
            if (dir->lookup(s.name).is_error()) TRY(dir->link(s.name, *h.inode));
            if (e.size) {
                TRY(h.inode->truncate(0));
                TRY(h.inode->write_at(0, IoBuffer::kernel(e.data), e.size));
            }
            set_attributes(*h.inode, e);
            return {};
        }
    }

    auto inode = TRY(make(*dir, s.name, e));
    if (type == kIfreg && e.size) {
        size_t done = TRY(inode->write_at(0, IoBuffer::kernel(e.data), e.size));
        if (done != e.size) return Errno::ENOSPC;
    }
    set_attributes(*inode, e);
    if (type == kIfreg && e.nlink >= 2)
        if (!m_links.try_append(HardLink {e.ino, e.dev_major, e.dev_minor, inode})) return Errno::ENOMEM;
    if (type == kIfdir)
        if (!m_dir_times.try_append(DirTime {inode, e.mtime})) return Errno::ENOMEM;
    return {};
}

void Unpacker::finish() {
    for (DirTime& d : m_dir_times) d.dir->mtime = KTimespec {i64(d.mtime), 0};
}
} // namespace

ErrorOr<void> unpack_initramfs(const u8* data, size_t size) {
    if (!root_inode()) return Errno::ENOENT;
    MutexLocker l(vfs_lock());
    auto* u = lv::make<Unpacker>();
    if (!u) return Errno::ENOMEM;
    cpio::Reader reader(data, size);
    cpio::Entry e;
    size_t count = 0;
    ErrorOr<void> result {};
    for (;;) {
        auto more = reader.next(e);
        if (more.is_error()) {
            log_error("initramfs: malformed archive at offset %zu", reader.offset());
            result = more.error();
            break;
        }
        if (!more.value()) break;
        auto r = u->entry(e);
        if (r.is_error()) {
            // One bad entry (a name clash, an odd type) does not lose the rest.
            log_warn("initramfs: %.*s: error %d", int(e.name.size), e.name.data, int(r.error()));
            if (r.error() == Errno::ENOMEM || r.error() == Errno::ENOSPC) {
                result = r.error();
                break;
            }
        }
        count++;
    }
    u->finish();
    lv::destroy(u);
    log_info("initramfs: %zu entries unpacked", count);
    return result;
}
} // namespace fs
