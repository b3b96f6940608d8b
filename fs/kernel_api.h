// What the rest of the kernel (process creation, the ELF loader, init) uses of the
// filesystem layer, in one place. Implemented in fs/kernel_api.cpp over the VFS.
#pragma once
#include <fs/inode.h>
#include <lib/ref_ptr.h>
#include <lib/result.h>

namespace fs {
class Inode;
class FdTable;
struct FsContext;

void init();
ErrorOr<void> unpack_initramfs(const u8* data, size_t size);

// Path lookup relative to the current process's cwd (or / for kernel threads).
ErrorOr<lv::RefPtr<Inode>> lookup_path(const char* path, bool follow_symlinks = true);
ErrorOr<size_t> read_inode(Inode& inode, u64 offset, void* kernel_buf, size_t n);
u64 inode_size(Inode& inode);
// `path` made absolute against the current process's cwd (for /proc/self/exe), truncated
// to cap; never fails (falls back to the path as given).
void absolute_path(const char* path, char* out, size_t cap);
// The open file behind fd for a file mapping: EBADF, EACCES (not open for reading),
// ENODEV (not a regular file, or one that cannot be mapped).
ErrorOr<lv::RefPtr<File>> file_for_mmap(int fd);
// An open file (read-only) on `inode` for the ELF loader's mappings, named by `path`
// (made absolute) in /proc/PID/maps; null when the file's data are not pages of a
// memory object (the loader then copies them).
ErrorOr<lv::RefPtr<File>> file_for_exec(Inode& inode, const char* path);
// ENOENT/EACCES/EISDIR as execve(2) reports them: a regular file with an x bit.
ErrorOr<void> check_executable(Inode& inode);

// isatty(3) as a syscall: EBADF for a bad fd.
ErrorOr<bool> fd_is_tty(int fd);

// Null on ENOMEM. A table or context is shared (CLONE_FILES, CLONE_FS) by copying the
// RefPtr; the last reference frees it.
lv::RefPtr<FdTable> create_fd_table();
lv::RefPtr<FdTable> clone_fd_table(FdTable& src);
void close_on_exec(FdTable& t);
ErrorOr<void> install_console_fds(FdTable& t);
// Raw (interactive) console only. The interrupt handler asks console_may_signal of each
// received byte, without locks: whether it is one of the tty's signal characters (^C,
// ^\, ^Z under ISIG) while there is a foreground group, as the tty last published. If
// so, the work thread (kernel/work.h) calls console_signal_char, which signals the
// foreground process group at once, whether or not anyone is reading; true if the byte
// was consumed (false: it is input after all).
bool console_may_signal(u8 c);
bool console_signal_char(u8 c) LV_REQUIRES_GIANT;

lv::RefPtr<FsContext> create_fs_context();
lv::RefPtr<FsContext> clone_fs_context(FsContext& src);
} // namespace fs
