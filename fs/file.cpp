#include <fs/file.h>
#include <fs/mutex.h>
#include <fs/pipe.h>
#include <fs/vfs.h>
#include <kernel/sync/giant.h>

namespace fs {
namespace {
struct CharDevice {
    u64 dev;
    FileOps* ops;
};
constexpr size_t kMaxCharDevices = 32;
CharDevice g_char_devices[kMaxCharDevices];
size_t g_char_device_count = 0;
CharDevice g_block_devices[kMaxCharDevices];
size_t g_block_device_count = 0;

constexpr int kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2, kSeekData = 3, kSeekHole = 4;
// Linux caps a single read/write at MAX_RW_COUNT (INT_MAX rounded down to a page).
constexpr size_t kMaxRwCount = 0x7ffff000;
} // namespace

void register_char_device(u64 dev, FileOps& ops) {
    if (g_char_device_count < kMaxCharDevices) g_char_devices[g_char_device_count++] = {dev, &ops};
}

FileOps* find_char_device(u64 dev) {
    for (size_t i = 0; i < g_char_device_count; i++)
        if (g_char_devices[i].dev == dev) return g_char_devices[i].ops;
    return nullptr;
}

void register_block_device(u64 dev, FileOps& ops) {
    if (g_block_device_count < kMaxCharDevices) g_block_devices[g_block_device_count++] = {dev, &ops};
}

FileOps* find_block_device(u64 dev) {
    for (size_t i = 0; i < g_block_device_count; i++)
        if (g_block_devices[i].dev == dev) return g_block_devices[i].ops;
    return nullptr;
}

ErrorOr<lv::RefPtr<File>> File::create(lv::RefPtr<Inode> inode, u32 flags) {
    FileOps* ops = nullptr;
    if (!(flags & kOPath)) {
        if (inode->is_chardev()) {
            ops = find_char_device(inode->rdev);
            if (!ops) return Errno::ENXIO;
        } else if (inode->is_fifo()) {
            ops = TRY(inode->fifo_pipe());
        } else if (inode->type() == kIfblk) {
            ops = find_block_device(inode->rdev);
            if (!ops) return Errno::ENXIO;
        } else if (inode->type() == kIfsock) {
            return Errno::ENXIO; // FIXME: sockets are opened with socket(2)
        } else {
            ops = inode.get();
        }
    }
    // A regular file open for writing holds write access: ETXTBSY while it runs.
    bool write_access = ops == inode.get() && inode->is_regular() &&
                        ((flags & kOAccMode) == kOWrOnly || (flags & kOAccMode) == kORdWr);
    if (write_access) TRY(inode->get_write_access());
    auto* raw = lv::make<File>();
    if (!raw) {
        if (write_access) inode->put_write_access();
        return Errno::ENOMEM;
    }
    auto file = lv::RefPtr<File>::adopt(raw);
    file->m_write_access = write_access;
    file->inode = lv::move(inode);
    file->flags = flags & ~(kOCreat | kOExcl | kONoCtty | kOTrunc | kOCloExec);
    if (ops) {
        // Hook first, then record the ops: a failed open must not call release().
        TRY(ops->open(*file));
        file->ops = ops;
    }
    return file;
}

File::~File() {
    // The last reference may go on a path that runs without the giant lock (read(2) on a
    // pipe racing a close, mmap). Everything it lets go of (the ops, the inode, whose
    // last reference may go here too, and the directory it was opened in) is released
    // with that lock held, unless all of it is free of it: an anonymous pipe.
    bool giant_free = ops && ops->giant_free() && (!inode || inode->giant_free()) && !m_dir;
    kernel::giant::LockerIf giant(!giant_free);
    {
        kernel::giant::Section g;
        while (FileWatch* w = watches.pop_front()) w->file_gone(*w);
    }
    if (ops) ops->release(*this);
    if (m_write_access) inode->put_write_access();
    if (m_deny_write) inode->allow_write_access();
    kfree(m_name);
    m_dir.clear();
    inode.clear();
}

ErrorOr<void> File::deny_write() {
    if (m_deny_write) return {};
    TRY(inode->deny_write_access());
    m_deny_write = true;
    return {};
}

void File::vm_identity(u64& dev, u64& ino) {
    dev = inode->fs.dev;
    ino = inode->ino;
}

size_t File::vm_path(char* buf, size_t cap) {
    auto r = path(buf, cap);
    return r.is_error() ? 0 : r.value();
}

void File::set_name(lv::RefPtr<Inode> dir, lv::StringView name) {
    char* n = static_cast<char*>(kmalloc(name.size + 1));
    if (!n) return; // only /proc/self/fd loses the name
    memcpy(n, name.data, name.size);
    n[name.size] = 0;
    kfree(m_name);
    m_name = n;
    m_dir = lv::move(dir);
}

ErrorOr<size_t> File::path(char* buf, size_t cap) {
    if (inode->is_dir()) return path_of(*inode, buf, cap);
    if (!m_name) return Errno::ENOENT;
    size_t len;
    if (m_dir) {
        len = TRY(path_of(*m_dir, buf, cap));
        len = TRY(append_component(buf, len, cap, m_name));
    } else {
        len = strlen(m_name);
        if (len + 1 > cap) return Errno::ENAMETOOLONG;
        memcpy(buf, m_name, len + 1);
    }
    if (inode->nlink == 0) {
        const char suffix[] = " (deleted)";
        if (len + sizeof suffix > cap) return Errno::ENAMETOOLONG;
        memcpy(buf + len, suffix, sizeof suffix);
        len += sizeof suffix - 1;
    }
    return len;
}

ErrorOr<size_t> File::do_read(u64 off, const IoBuffer& buf, size_t n) {
    n = min(n, kMaxRwCount);
    if (!inode->is_regular() || ops != inode.get()) return ops->read(*this, off, buf, n);
    MutexLocker l(vfs_lock());
    return ops->read(*this, off, buf, n);
}

ErrorOr<size_t> File::do_write(u64& off, bool append, const IoBuffer& buf, size_t n) {
    n = min(n, kMaxRwCount);
    if (!inode->is_regular() || ops != inode.get()) {
        auto r = ops->write(*this, off, buf, n);
        if (!r.is_error()) off += r.value(); // seekable devices (/dev/vda) move on too
        return r;
    }
    MutexLocker l(vfs_lock());
    if (append) off = inode->size; // under the lock: appends never overlap
    auto r = ops->write(*this, off, buf, n);
    if (!r.is_error()) off += r.value();
    // O_SYNC and O_DSYNC: on stable storage before the call returns (Linux's
    // generic_write_sync: the data and what finds them; the whole file here).
    if (!r.is_error() && r.value() && (flags & kODsync)) TRY(inode->fsync());
    return r;
}

ErrorOr<size_t> File::read(const IoBuffer& buf, size_t n) {
    if (!readable()) return Errno::EBADF;
    if (!ops->seekable()) return do_read(0, buf, n);
    if (inode->is_dir()) return Errno::EISDIR;
    MutexLocker l(vfs_lock()); // the offset: two threads reading one File take turns
    size_t done = TRY(do_read(offset, buf, n));
    offset += done;
    return done;
}

ErrorOr<size_t> File::write(const IoBuffer& buf, size_t n) {
    if (!writable()) return Errno::EBADF;
    if (!ops->seekable()) {
        u64 dummy = 0;
        return do_write(dummy, false, buf, n);
    }
    MutexLocker l(vfs_lock());
    u64 off = offset;
    size_t done = TRY(do_write(off, flags & kOAppend, buf, n));
    offset = off;
    return done;
}

ErrorOr<size_t> File::pread(u64 off, const IoBuffer& buf, size_t n) {
    if (!readable()) return Errno::EBADF;
    if (!ops->seekable()) return Errno::ESPIPE;
    if (i64(off) < 0) return Errno::EINVAL;
    if (inode->is_dir()) return Errno::EISDIR;
    return do_read(off, buf, n);
}

ErrorOr<size_t> File::pwrite(u64 off, const IoBuffer& buf, size_t n) {
    if (!writable()) return Errno::EBADF;
    if (!ops->seekable()) return Errno::ESPIPE;
    if (i64(off) < 0) return Errno::EINVAL;
    // Linux quirk (pwrite(2) BUGS): with O_APPEND, pwrite appends regardless of offset.
    return do_write(off, flags & kOAppend, buf, n);
}

ErrorOr<u64> File::seek(i64 off, int whence) {
    if (is_path()) return Errno::EBADF;
    if (!ops->seekable()) return Errno::ESPIPE;
    MutexLocker l(vfs_lock());
    i64 base;
    switch (whence) {
    case kSeekSet: base = 0; break;
    case kSeekCur: base = i64(offset); break;
    case kSeekEnd: base = ops->seek_end(*this) >= 0 ? ops->seek_end(*this) : i64(inode->size); break;
    case kSeekData:
    case kSeekHole: {
        if (!inode->is_regular()) return Errno::EINVAL;
        if (off < 0 || u64(off) >= inode->size) return Errno::ENXIO;
        u64 pos = whence == kSeekData ? inode->next_data(u64(off)) : inode->size; // one hole at the end
        if (pos >= inode->size && whence == kSeekData) return Errno::ENXIO;
        offset = pos;
        return pos;
    }
    default: return Errno::EINVAL;
    }
    i64 pos;
    if (__builtin_add_overflow(base, off, &pos)) return Errno::EOVERFLOW;
    if (pos < 0) return Errno::EINVAL;
    offset = u64(pos);
    return offset;
}
} // namespace fs
