// Inodes and the operations on open files.
//
// An Inode is a file, directory, symlink, device node or FIFO of some filesystem
// (ramfs, devfs, procfs, pipefs). Directory operations are virtual methods of the
// inode; data operations go through FileOps, which the inode itself implements for
// regular files and directories, while device nodes and FIFOs hand the open file to a
// driver or a pipe (see File::ops). Mount crossings, symlinks and ".." across mounts
// belong to the VFS (fs/vfs.cpp), not to filesystems.
//
// Locking: all tree and data operations run under vfs_lock() (fs/mutex.h), taken by the
// VFS and by File read/write of regular files; filesystems do not lock themselves.
#pragma once
#include <kernel/sync/giant.h>
#include <abi/kstat.h>
#include <fs/io_buffer.h>
#include <lib/ref_ptr.h>
#include <lib/result.h>
#include <lib/string.h>
#include <mm/vm_object.h>

namespace kernel {
class WaitQueue;
}

namespace fs {
class File;
class Inode;
class FileSystem;
class Pipe;

// File type and permission bits of st_mode (the same on every Linux arch).
constexpr u32 kIfmt = 0170000, kIfsock = 0140000, kIflnk = 0120000, kIfreg = 0100000,
              kIfblk = 0060000, kIfdir = 0040000, kIfchr = 0020000, kIfifo = 0010000;
constexpr u32 kIsuid = 04000, kIsgid = 02000, kIsvtx = 01000, kPermMask = 07777;
// d_type values for getdents.
constexpr u8 kDtUnknown = 0, kDtFifo = 1, kDtChr = 2, kDtDir = 4, kDtBlk = 6, kDtReg = 8,
             kDtLnk = 10, kDtSock = 12;
u8 dtype_of_mode(u32 mode);

// poll(2) event bits (the same on every Linux arch).
constexpr u32 kPollIn = 0x1, kPollPri = 0x2, kPollOut = 0x4, kPollErr = 0x8, kPollHup = 0x10,
              kPollNval = 0x20, kPollRdNorm = 0x40, kPollWrNorm = 0x100;

// What can be done with an open file. `offset` is the file position for seekable files
// (the caller updates File::offset). Devices and pipes ignore it.
class FileOps {
public:
    virtual ~FileOps() = default;
    // A File was opened on this object / its last reference is gone.
    virtual ErrorOr<void> open(File&) { return {}; }
    virtual void release(File&) {}
    virtual ErrorOr<size_t> read(File&, u64 offset, const IoBuffer& buf, size_t n) { return Errno::EINVAL; }
    virtual ErrorOr<size_t> write(File&, u64 offset, const IoBuffer& buf, size_t n) { return Errno::EINVAL; }
    // Under the giant lock (ioctl(2) holds it for every file).
    virtual ErrorOr<long> ioctl(File&, u32 request, u64 arg) LV_REQUIRES_GIANT { return Errno::ENOTTY; }
    // False for pipes and ttys: lseek/pread/pwrite give ESPIPE.
    virtual bool seekable() const { return true; }
    // Where SEEK_END counts from (fs/file.cpp uses the inode's size when this is -1):
    // block devices answer their capacity, as on Linux.
    virtual i64 seek_end(File&) { return -1; }
    virtual bool is_tty() const { return false; }
    // True when open files of this object need nothing the giant lock guards
    // (kernel/sync/giant.h): read, write, poll and release use only the object's own
    // named locks, and its wakes notify only waiters that take their own (poll tables,
    // epoll). read(2), write(2), readv(2) and writev(2) on them then run without the
    // giant lock, on several CPUs at once. Pipes and FIFOs. For an inode that is not
    // its files' ops (an anonymous pipe's), it says its last reference may go without
    // the lock; File::~File takes it otherwise.
    virtual bool giant_free() const { return false; }
    // Whether mmap(2) may map this file (Linux's f_op->mmap): ENODEV unless its data
    // are plain stored bytes (ramfs, ext2). Generated files (/proc, /sys) are not: mmap
    // of them fails, as on Linux.
    virtual ErrorOr<void> can_mmap(File&) { return Errno::ENODEV; }
    // Readiness for poll/select: a subset of `events` plus kPollErr/kPollHup; and the
    // queue to sleep on until it may change (null: never changes, always ready).
    virtual u32 poll(File&, u32 events) { return events & (kPollIn | kPollOut | kPollRdNorm | kPollWrNorm); }
    virtual kernel::WaitQueue* wait_queue(File&) { return nullptr; }
    // Bytes readable without blocking (FIONREAD); ENOTTY when it makes no sense.
    virtual ErrorOr<size_t> bytes_available(File&) { return Errno::ENOTTY; }
};

// Called for each directory entry: return false to stop (buffer full); the entry is then
// produced again by the next call. `next_cookie` is the position after this entry.
struct DirEntrySink {
    virtual bool emit(lv::StringView name, u64 ino, u8 type, u64 next_cookie) = 0;
};

// statfs(2)'s numbers for one filesystem (FileSystem::statfs).
struct StatFs {
    u64 block_size = 0;
    u64 blocks = 0, blocks_free = 0, blocks_avail = 0; // avail: free to unprivileged users
    u64 files = 0, files_free = 0;
    u64 name_max = 255;
};

class FileSystem {
public:
    virtual ~FileSystem() = default;
    // Writes everything changed back to its device (sync, syncfs, umount).
    virtual ErrorOr<void> sync() { return {}; }
    // The periodic write-back (fs/writeback.cpp): what is kept in memory only (file
    // pages, inodes) goes to the buffer cache and the disk, without the device flush.
    virtual ErrorOr<void> write_back() { return {}; }
    // The filesystem's last mount is going away: EBUSY to refuse (files in use), else
    // write back and let the device go. Called under the VFS lock.
    virtual ErrorOr<void> unmount() { return {}; }
    // statfs(2): false when the filesystem has no size of its own (memory-backed ones:
    // the caller reports RAM, as tmpfs does).
    virtual bool statfs(StatFs& out) { return false; }
    u64 dev = 0;          // st_dev of every inode here
    u64 next_ino = 1;     // inode numbers are never reused within a filesystem
    u64 magic = 0;        // statfs f_type
    const char* name = ""; // /proc/mounts type
    const char* source = nullptr; // /proc/mounts device ("/dev/vda"); null: the type
    bool read_only = false;
    lv::RefPtr<Inode> root;
    u64 allocate_ino() { return next_ino++; }
    static u64 allocate_dev(); // unique per filesystem instance: makedev(0, n)

    // Instances that mount(2) made (tmpfs, ramfs, proc) belong to their mounts: when the
    // last one goes, discard_tree() empties them (tmpfs' kill_litter_super) and they are
    // detached. Kernel instances (the root, devtmpfs) and disks stay.
    bool discard_on_unmount = false;
    virtual void discard_tree() {}
    // Lifetime: one hold while attached, one per live inode (inodes refer to their
    // filesystem). detach() drops the first; the last drop_hold deletes the filesystem,
    // so files still open after an unmount keep working until they are closed.
    void take_hold() { __atomic_fetch_add(&m_holds, 1, __ATOMIC_RELAXED); }
    void drop_hold();
    void detach() { drop_hold(); }

private:
    u64 m_holds = 1;
};

// A regular file's data is also a memory object (mm/vm_object.h): the pages that
// mappings of it map, found by vm_page under the VFS lock. Files whose data are not kept
// in pages say so (has_pages false): mmap refuses them (ENODEV), exec copies them.
class Inode : public lv::RefCounted<Inode>, public FileOps, public mm::VmObject {
public:
    Inode(FileSystem& fs, u32 mode);
    virtual ~Inode();

    FileSystem& fs;
    u64 ino;
    u32 mode; // type | permissions
    u32 uid = 0, gid = 0;
    u32 nlink = 1;
    u64 rdev = 0;
    u64 size = 0;
    KTimespec atime, mtime, ctime;
    // An O_TMPFILE file (opened without O_EXCL) may get a name with linkat although its
    // link count is 0 (Linux's I_LINKABLE).
    bool linkable = false;

    u32 type() const { return mode & kIfmt; }
    bool is_dir() const { return type() == kIfdir; }
    bool is_regular() const { return type() == kIfreg; }
    bool is_symlink() const { return type() == kIflnk; }
    bool is_fifo() const { return type() == kIfifo; }
    bool is_chardev() const { return type() == kIfchr; }

    virtual KStat stat();
    void touch_mtime(); // mtime and ctime = now (contents changed)
    void touch_ctime(); // ctime = now (metadata changed)
    void touch_atime(); // relatime: only when atime is not newer than mtime/ctime

    // ---- regular files (also what the ELF loader reads)
    virtual ErrorOr<size_t> read_at(u64 offset, const IoBuffer& buf, size_t n) { return Errno::EINVAL; }
    virtual ErrorOr<size_t> write_at(u64 offset, const IoBuffer& buf, size_t n) { return Errno::EINVAL; }
    virtual ErrorOr<void> truncate(u64 new_size) { return Errno::EINVAL; }
    virtual u64 allocated_blocks() const { return 0; } // st_blocks, 512-byte units
    // fsync(2): this file's data and metadata on the device (nothing to do in memory).
    virtual ErrorOr<void> fsync() { return {}; }
    // SEEK_DATA support: the first offset >= off inside data (== off when no holes).
    virtual u64 next_data(u64 off) const { return off; }
    // The file's pages are a memory object: mappings share them (vm_page).
    virtual bool has_pages() const { return false; }
    ErrorOr<PhysAddr> vm_page(u64, bool) override { return Errno::ENODEV; }
    ErrorOr<void> vm_punch(u64 first, u64 count) override; // punch_hole, under the VFS lock
    ErrorOr<void> vm_sync() override { return fsync(); }
    // Frees the data of [offset, offset + len) (fallocate's PUNCH_HOLE, madvise's
    // MADV_REMOVE): it reads as zeros afterwards, in every mapping too. Under the VFS lock.
    virtual ErrorOr<void> punch_hole(u64 offset, u64 len) { return Errno::EOPNOTSUPP; }
    // File seals (memfd_create(2), fcntl F_ADD_SEALS/F_GET_SEALS): EINVAL for a file
    // that cannot have them (all but memfds). Under the VFS lock.
    virtual ErrorOr<u32> seals() const { return Errno::EINVAL; }
    virtual ErrorOr<void> add_seals(u32 seals) { return Errno::EINVAL; }

    // ---- directories (ENOTDIR unless overridden)
    virtual ErrorOr<lv::RefPtr<Inode>> lookup(lv::StringView name) { return Errno::ENOTDIR; }
    // Makes a regular file, directory, device node, FIFO or socket. EEXIST if taken.
    virtual ErrorOr<lv::RefPtr<Inode>> create(lv::StringView name, u32 mode, u64 rdev) { return Errno::ENOTDIR; }
    virtual ErrorOr<lv::RefPtr<Inode>> symlink(lv::StringView name, lv::StringView target) { return Errno::ENOTDIR; }
    virtual ErrorOr<void> link(lv::StringView name, Inode& target) { return Errno::ENOTDIR; }
    // rmdir=false: unlink(2) (EISDIR on a directory); rmdir=true: ENOTDIR on a
    // non-directory, ENOTEMPTY unless empty.
    virtual ErrorOr<void> unlink(lv::StringView name, bool rmdir) { return Errno::ENOTDIR; }
    // Same-filesystem rename (the VFS has checked EXDEV, "."/".." and loops).
    virtual ErrorOr<void> rename(lv::StringView old_name, Inode& new_dir, lv::StringView new_name, u32 flags) {
        return Errno::ENOTDIR;
    }
    // Entries from `cookie` on ("." and ".." included). Cookies are stable positions:
    // entries removed meanwhile are skipped, none is returned twice.
    virtual ErrorOr<void> iterate(u64& cookie, DirEntrySink& sink) { return Errno::ENOTDIR; }
    // ".." within this filesystem (itself for the root); null when removed.
    virtual lv::RefPtr<Inode> parent() { return nullptr; }
    // The name of `child` in this directory, for getcwd; false if absent.
    virtual bool name_of(Inode& child, char* buf, size_t cap, size_t& len) { return false; }
    virtual bool is_empty_dir() { return false; }

    // ---- symlinks
    virtual ErrorOr<size_t> readlink(char* buf, size_t cap) { return Errno::EINVAL; }
    // procfs "magic" links (/proc/self/fd/N) resolve to an inode, not to a path.
    virtual ErrorOr<lv::RefPtr<Inode>> follow_magic() { return Errno::EINVAL; }
    virtual bool is_magic_link() const { return false; }
    // A file that takes writes even on a read-only filesystem (procfs's tunables, as
    // /proc/PID/oom_score_adj).
    virtual bool writable_tunable() const { return false; }

    // ---- FileOps for regular files and directories (devices/FIFOs: see File::ops)
    ErrorOr<size_t> read(File& f, u64 offset, const IoBuffer& buf, size_t n) override;
    ErrorOr<size_t> write(File& f, u64 offset, const IoBuffer& buf, size_t n) override;
    ErrorOr<size_t> bytes_available(File& f) override;

    // ---- named pipes: the pipe shared by every opener of this FIFO (created on demand)
    ErrorOr<Pipe*> fifo_pipe();

    // ---- a program running from this file may not change under it (Linux's
    // i_writecount): while it is mapped by exec, opening it for writing and truncating
    // it are ETXTBSY, and while it is open for writing, exec of it is ETXTBSY.
    ErrorOr<void> get_write_access();
    void put_write_access() { __atomic_fetch_sub(&m_write_count, 1, __ATOMIC_RELEASE); }
    ErrorOr<void> deny_write_access();
    void allow_write_access() { __atomic_fetch_add(&m_write_count, 1, __ATOMIC_RELEASE); }

private:
    Pipe* m_fifo = nullptr;
    i32 m_write_count = 0; // > 0: writers; < 0: programs running from it (atomic)
};

// A directory's first two entries, "." and ".." (cookies 0 and 1; the next entry's is 2),
// from where `cookie` says; false when the sink is full (iterate then returns).
bool emit_dot_entries(Inode& dir, u64& cookie, DirEntrySink& sink);

// A new inode of type T, as a reference (ENOMEM): synthetic filesystems make theirs on
// lookup.
template <typename T, typename... A>
ErrorOr<lv::RefPtr<Inode>> make_inode(A&&... args) {
    T* raw = lv::make<T>(lv::forward<A>(args)...);
    if (!raw) return Errno::ENOMEM;
    return lv::RefPtr<Inode>::adopt(raw);
}

KTimespec now();
} // namespace fs
