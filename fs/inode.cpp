#include <fs/data_pages.h>
#include <fs/file.h>
#include <fs/mutex.h>
#include <fs/inode.h>
#include <fs/pipe.h>
#include <kernel/time.h>

namespace fs {
KTimespec now() { return kernel::time::realtime_now(); }

u64 FileSystem::allocate_dev() {
    static u64 next = 1; // atomic: mounts and anonymous kinds come from any CPU
    return __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED); // makedev(0, n) == n for n < 256: anonymous devices, as tmpfs has
}

u8 dtype_of_mode(u32 mode) {
    switch (mode & kIfmt) {
    case kIfreg: return kDtReg;
    case kIfdir: return kDtDir;
    case kIflnk: return kDtLnk;
    case kIfchr: return kDtChr;
    case kIfblk: return kDtBlk;
    case kIfifo: return kDtFifo;
    case kIfsock: return kDtSock;
    default: return kDtUnknown;
    }
}

Inode::Inode(FileSystem& f, u32 m) : fs(f), ino(f.allocate_ino()), mode(m) {
    atime = mtime = ctime = now();
    f.take_hold();
}

ErrorOr<void> Inode::get_write_access() {
    i32 v = __atomic_load_n(&m_write_count, __ATOMIC_RELAXED);
    do {
        if (v < 0) return Errno::ETXTBSY;
    } while (!__atomic_compare_exchange_n(&m_write_count, &v, v + 1, true, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
    return {};
}

ErrorOr<void> Inode::deny_write_access() {
    i32 v = __atomic_load_n(&m_write_count, __ATOMIC_RELAXED);
    do {
        if (v > 0) return Errno::ETXTBSY;
    } while (!__atomic_compare_exchange_n(&m_write_count, &v, v - 1, true, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
    return {};
}

ErrorOr<void> Inode::vm_punch(u64 first, u64 count) {
    constexpr u64 kMaxPage = ~0ull / kDataPageSize;
    if (first > kMaxPage) return {}; // past any file: nothing there
    MutexLocker l(vfs_lock());
    return punch_hole(first * kDataPageSize, min(count, kMaxPage - first) * kDataPageSize);
}

Inode::~Inode() {
    destroy_pipe(m_fifo);
    fs.drop_hold(); // last: it may delete the filesystem
}

void FileSystem::drop_hold() {
    if (__atomic_sub_fetch(&m_holds, 1, __ATOMIC_ACQ_REL) == 0) lv::destroy(this);
}

KStat Inode::stat() {
    KStat st;
    st.dev = fs.dev;
    st.ino = ino;
    st.nlink = nlink;
    st.mode = mode;
    st.uid = uid;
    st.gid = gid;
    st.rdev = rdev;
    st.size = i64(size);
    st.blksize = 4096;
    st.blocks = i64(allocated_blocks());
    st.atime = atime;
    st.mtime = mtime;
    st.ctime = ctime;
    return st;
}

bool emit_dot_entries(Inode& dir, u64& cookie, DirEntrySink& sink) {
    if (cookie == 0) {
        if (!sink.emit(".", dir.ino, kDtDir, 1)) return false;
        cookie = 1;
    }
    if (cookie == 1) {
        auto p = dir.parent();
        if (!sink.emit("..", p ? p->ino : dir.ino, kDtDir, 2)) return false;
        cookie = 2;
    }
    return true;
}

void Inode::touch_mtime() { mtime = ctime = now(); }
void Inode::touch_ctime() { ctime = now(); }

static bool before(const KTimespec& a, const KTimespec& b) {
    return a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec);
}

void Inode::touch_atime() {
    // Linux's relatime: update when atime is older than mtime or ctime, or a day old.
    KTimespec t = now();
    if (!before(mtime, atime) || !before(ctime, atime) || t.sec - atime.sec >= 86400) atime = t;
}

ErrorOr<size_t> Inode::read(File& f, u64 offset, const IoBuffer& buf, size_t n) {
    if (is_dir()) return Errno::EISDIR;
    return read_at(offset, buf, n);
}

ErrorOr<size_t> Inode::write(File& f, u64 offset, const IoBuffer& buf, size_t n) {
    if (is_dir()) return Errno::EISDIR;
    return write_at(offset, buf, n);
}

ErrorOr<size_t> Inode::bytes_available(File& f) {
    // FIONREAD on a regular file: what is left after the file position.
    if (!is_regular()) return Errno::ENOTTY;
    return size > f.offset ? size_t(size - f.offset) : 0;
}

ErrorOr<Pipe*> Inode::fifo_pipe() {
    if (!m_fifo) {
        m_fifo = create_pipe();
        if (!m_fifo) return Errno::ENOMEM;
    }
    return m_fifo;
}
} // namespace fs
