#include <fs/fcntl.h>
#include <fs/vfs.h>
#include <kernel/process.h>
#include <syscalls/fs_util.h>

namespace fs::sc {
FdTable& fds() { return *kernel::current_process().fds(); }
FsContext& context() { return *kernel::current_process().fs(); }

int fd_limit() {
    u64 cur = kernel::current_process().rlimit_cur(kernel::kRlimitNofile);
    return cur < u64(FdTable::kMaxFds) ? int(cur) : FdTable::kMaxFds;
}

ErrorOr<lv::RefPtr<File>> file(int fd) { return fds().get(fd); }

ErrorOr<lv::RefPtr<File>> io_file(int fd) {
    auto f = TRY(fds().get(fd));
    if (f->is_path()) return Errno::EBADF;
    return f;
}

ErrorOr<void> UserPath::copy(UserPtr<const char> p) {
    if (!m_buf) {
        m_buf = static_cast<char*>(kmalloc(kPathMax));
        if (!m_buf) return Errno::ENOMEM;
    }
    m_len = TRY(mm::copy_string_from_user(m_buf, p.addr(), kPathMax));
    return {};
}

ErrorOr<lv::RefPtr<Inode>> base_dir(int dirfd, lv::StringView path) {
    if (is_absolute(path) || dirfd == kAtFdCwd) return context().cwd;
    auto f = TRY(file(dirfd));
    if (!f->inode->is_dir()) return Errno::ENOTDIR;
    return f->inode;
}

ErrorOr<lv::RefPtr<Inode>> lookup_at(int dirfd, UserPtr<const char> path, bool follow, bool allow_empty) {
    UserPath p;
    TRY(p.copy(path));
    if (p.empty()) {
        if (!allow_empty) return Errno::ENOENT;
        if (dirfd == kAtFdCwd) return context().cwd;
        auto f = TRY(file(dirfd));
        return f->inode;
    }
    auto base = TRY(base_dir(dirfd, p.view()));
    return resolve(*base, p.view(), follow);
}
} // namespace fs::sc
