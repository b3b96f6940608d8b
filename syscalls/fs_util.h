// Shared by the file syscalls: the current process's fd table and fs context, user
// path strings, and the dirfd rules of the *at() calls.
#pragma once
#include <fs/context.h>
#include <fs/fd_table.h>
#include <fs/file.h>
#include <fs/path.h>
#include <mm/user_ptr.h>

namespace fs::sc {
FdTable& fds();
FsContext& context();
// The current process's RLIMIT_NOFILE soft limit (capped at FdTable::kMaxFds).
int fd_limit();
ErrorOr<lv::RefPtr<File>> file(int fd);          // EBADF; O_PATH files too
ErrorOr<lv::RefPtr<File>> io_file(int fd);       // EBADF for O_PATH files as well

// A path copied from user memory into a kmalloc'd PATH_MAX buffer.
class UserPath {
public:
    UserPath() = default;
    UserPath(const UserPath&) = delete;
    UserPath& operator=(const UserPath&) = delete;
    ~UserPath() { kfree(m_buf); }
    // ENAMETOOLONG without a NUL in PATH_MAX bytes, EFAULT. Empty paths are kept:
    // callers decide (ENOENT, or AT_EMPTY_PATH).
    ErrorOr<void> copy(UserPtr<const char> p);
    lv::StringView view() const { return {m_buf, m_len}; }
    const char* c_str() const { return m_buf; }
    bool empty() const { return m_len == 0; }

private:
    char* m_buf = nullptr;
    size_t m_len = 0;
};

// The directory a relative path starts from: the cwd for AT_FDCWD, else the
// directory open at dirfd (EBADF, ENOTDIR). Absolute paths ignore dirfd, as in Linux.
ErrorOr<lv::RefPtr<Inode>> base_dir(int dirfd, lv::StringView path);
// The inode `path` names relative to dirfd, following a final symlink if `follow`.
// With AT_EMPTY_PATH (allow_empty) an empty path names dirfd itself (any file type).
ErrorOr<lv::RefPtr<Inode>> lookup_at(int dirfd, UserPtr<const char> path, bool follow, bool allow_empty);

// Sets atime/mtime (null: leave it; &kTimeNow: the current time) and ctime = now
// (utimensat and the legacy utime family).
extern const KTimespec kTimeNow;
ErrorOr<long> set_times(Inode& inode, const KTimespec* atime, const KTimespec* mtime);
} // namespace fs::sc
