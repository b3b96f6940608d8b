// The VFS: the mount table, path resolution (symlinks, "..", mount crossings, Linux's
// errno rules) and the tree operations the syscalls use. Everything here runs under
// vfs_lock(); the functions take it themselves.
#pragma once
#include <fs/inode.h>
#include <fs/mutex.h>
#include <fs/path.h>

namespace fs {
constexpr int kMaxSymlinks = 40; // Linux's MAXSYMLINKS: ELOOP past this many per lookup

// ---- mounts
// A mount puts the directory `root` (a filesystem's root, or any directory for a bind
// mount) over the directory `mountpoint`; lookups of the mountpoint see `root`.
void set_root(FileSystem& fs);
lv::RefPtr<Inode> root_inode();
// Where the current process's absolute paths start: its chroot(2) directory, or /.
lv::RefPtr<Inode> process_root();
// Mounts `fs`'s root over `mountpoint`.
ErrorOr<void> mount(Inode& mountpoint, FileSystem& fs);
// Mounts the directory `root` over `mountpoint` (MS_BIND); EBUSY if that exact mount exists.
ErrorOr<void> bind_mount(Inode& mountpoint, Inode& root);
// Removes the mount whose root directory is `root` (the inode the mountpoint's path
// reaches): EINVAL if it is not a mount root, EBUSY for the root filesystem.
ErrorOr<void> unmount(Inode& root);
// pivot_root(2)'s mount table change: the mount whose root is `new_root` becomes the
// root mount, and the old root mount moves to `put_old` (new_root or a directory below
// it). EBUSY if either is on the root filesystem, EINVAL if new_root is not a mount
// root or put_old is not below it. (The syscall moves processes' cwd and root.)
ErrorOr<void> pivot_root(Inode& new_root, Inode& put_old);
// If `dir` is the root of a mount, the directory it covers; null otherwise (and for /).
lv::RefPtr<Inode> covered_by(Inode& dir) LV_REQUIRES(vfs_lock());
// sync(2): every mounted filesystem writes its changes back (to the block cache; then
// drivers::sync_disks()). Errors are logged.
void sync_filesystems();
// Shutdown: every filesystem is unmounted, the last mounted first, as Linux's
// umount -a; one still busy is left mounted (sync_filesystems writes it back).
void unmount_all();
// The i-th mount (0 is the root filesystem, with a null mountpoint); null past the end.
// The filesystem may be freed once the lock is dropped (an unmounted tmpfs).
FileSystem* mount_at(size_t i, lv::RefPtr<Inode>& mountpoint) LV_REQUIRES(vfs_lock());

// ---- resolution
enum class LastType : u8 { Normal, Dot, DotDot, Root };
enum WalkFlags : u32 {
    kFollowLast = 1, // follow a final symlink (a trailing slash always follows)
    kParent = 2,     // stop at the last component: a missing last one is not an error
};

struct WalkResult {
    lv::RefPtr<Inode> parent; // kParent: the directory holding the last component
    lv::RefPtr<Inode> inode;  // the result; with kParent, null when the last one is missing
    char name[kNameMax + 1];  // kParent: the last component (NUL-terminated)
    size_t name_len = 0;
    LastType last = LastType::Root;
    bool must_be_dir = false; // the path ended with a slash
    lv::StringView last_name() const { return {name, name_len}; }
};

// Resolves `path` starting at `base` (absolute paths start at the root). Takes the
// vfs lock. Errors: ENOENT (empty path, a missing component), ENOTDIR, ELOOP,
// ENAMETOOLONG.
ErrorOr<void> walk(Inode& base, lv::StringView path, u32 flags, WalkResult& out);
ErrorOr<lv::RefPtr<Inode>> resolve(Inode& base, lv::StringView path, bool follow_last);

// The absolute path of a directory inode (getcwd): ENOENT if it was removed,
// ERANGE if it does not fit in cap (with the NUL). Returns the length.
ErrorOr<size_t> path_of(Inode& dir, char* buf, size_t cap);

// ---- tree operations (the *at syscalls); `base` is the directory for relative paths.
ErrorOr<lv::RefPtr<Inode>> make_node(Inode& base, lv::StringView path, u32 mode, u64 rdev); // mknod, mkdir
ErrorOr<void> remove(Inode& base, lv::StringView path, bool rmdir);
ErrorOr<void> make_symlink(lv::StringView target, Inode& base, lv::StringView path);
ErrorOr<void> make_link(Inode& old_base, lv::StringView old_path, Inode& new_base, lv::StringView new_path,
                        bool follow);
ErrorOr<void> rename(Inode& old_base, lv::StringView old_path, Inode& new_base, lv::StringView new_path,
                     u32 flags);
ErrorOr<size_t> readlink(Inode& base, lv::StringView path, char* buf, size_t cap);

// rename(2) flags.
constexpr u32 kRenameNoReplace = 1, kRenameExchange = 2, kRenameWhiteout = 4;
} // namespace fs
