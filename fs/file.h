// An open file description (what open(2) creates and dup(2) shares): the inode, the
// file position, the status flags and the object that serves reads and writes (the
// inode itself, a device driver, or a pipe).
#pragma once
#include <fs/fcntl.h>
#include <fs/inode.h>
#include <lib/list.h>

namespace fs {
// Something that refers to a File without holding a reference (an epoll registration,
// fs/epoll.cpp). When the File goes away (its last descriptor closed), file_gone runs
// for each watch, under the giant lock and before the ops are released, so that the
// registration ends with the open file description, as epoll(7) says.
struct FileWatch {
    lv::ListNode node;
    void (*file_gone)(FileWatch&) = nullptr; // called under the giant lock (File::~File)
};

// A File is also what a mapping of it refers to (mm::VmFile, Linux's vm_file).
class File : public lv::RefCounted<File>, public mm::VmFile {
public:
    // Makes a File on `inode` with open(2) flags, finding its FileOps (ENXIO for a
    // device node without a driver) and calling its open hook (a FIFO may block there).
    static ErrorOr<lv::RefPtr<File>> create(lv::RefPtr<Inode> inode, u32 flags);
    ~File();

    lv::RefPtr<Inode> inode;
    FileOps* ops = nullptr; // null for O_PATH files
    u64 offset = 0;         // also the readdir cookie of a directory
    u32 flags = 0;          // access mode and status flags (O_APPEND, O_NONBLOCK, ...)
    u32 private_data = 0;   // for the driver (the console's output channel)
    lv::IntrusiveList<FileWatch, &FileWatch::node> watches LV_GUARDED_BY_GIANT; // epoll registrations on this file

    bool readable() const { return ops && (flags & kOAccMode) != kOWrOnly && (flags & kOAccMode) != 3; }
    bool writable() const { return ops && ((flags & kOAccMode) == kOWrOnly || (flags & kOAccMode) == kORdWr); }
    bool is_path() const { return !ops; }
    bool nonblocking() const { return flags & kONonBlock; }
    bool seekable() const { return ops && ops->seekable(); }

    // read/write at the file position (advancing it), or at an explicit offset (pread);
    // EBADF when not open for it, ESPIPE for pread on a pipe/tty.
    ErrorOr<size_t> read(const IoBuffer& buf, size_t n);
    ErrorOr<size_t> write(const IoBuffer& buf, size_t n);
    ErrorOr<size_t> pread(u64 offset, const IoBuffer& buf, size_t n);
    ErrorOr<size_t> pwrite(u64 offset, const IoBuffer& buf, size_t n);
    // lseek(2): SEEK_SET/CUR/END/DATA/HOLE.
    ErrorOr<u64> seek(i64 offset, int whence);

    // The name the file was opened by (its directory and last component), for
    // /proc/self/fd: recorded by open_path(). Renames afterwards are not followed.
    // Without a directory, `name` is the whole path shown (the kernel's own files:
    // "/dev/zero" for shared anonymous memory, "/SYSV0000002a", "/memfd:name").
    void set_name(lv::RefPtr<Inode> dir, lv::StringView name);
    // The absolute path (" (deleted)" appended once unlinked, as Linux shows it);
    // ENOENT when unknown (pipes, the boot console).
    ErrorOr<size_t> path(char* buf, size_t cap);

    // The file is a program exec maps (fs::file_for_exec): writers are refused
    // (ETXTBSY) while it lives.
    ErrorOr<void> deny_write();

    // mm::VmFile
    void vm_ref() override { ref(); }
    void vm_unref() override { unref(); }
    mm::VmObject& vm_object() override { return *inode; }
    void vm_identity(u64& dev, u64& ino) override;
    size_t vm_path(char* buf, size_t cap) override;

private:
    lv::RefPtr<Inode> m_dir;
    char* m_name = nullptr;
    bool m_write_access = false; // holds the inode's write access (open for writing)
    bool m_deny_write = false;   // holds a deny (a running program's image)
    ErrorOr<size_t> do_read(u64 offset, const IoBuffer& buf, size_t n);
    ErrorOr<size_t> do_write(u64& offset, bool append, const IoBuffer& buf, size_t n);
};

// Character devices by device number (fs/dev/*.cpp register theirs at fs::init()).
constexpr u64 make_dev(u32 major, u32 minor) {
    return (u64(major & 0xfffff000) << 32) | (u64(major & 0xfff) << 8) | (u64(minor & 0xffffff00) << 12) |
           (minor & 0xff);
}
constexpr u32 dev_major(u64 dev) { return u32(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff)); }
constexpr u32 dev_minor(u64 dev) { return u32(((dev >> 12) & 0xffffff00) | (dev & 0xff)); }
void register_char_device(u64 dev, FileOps& ops);
FileOps* find_char_device(u64 dev);
// Block devices (drivers/block registers each disk's node); their own number space.
void register_block_device(u64 dev, FileOps& ops);
FileOps* find_block_device(u64 dev);
} // namespace fs
