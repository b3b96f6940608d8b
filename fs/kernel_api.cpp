// fs/kernel_api.h over the VFS: what process creation, exec and init use.
#include <fs/context.h>
#include <fs/fd_table.h>
#include <fs/kernel_api.h>
#include <fs/mutex.h>
#include <fs/path.h>
#include <fs/vfs.h>
#include <kernel/process.h>

namespace fs {
namespace {
char* strrchr_simple(char* s) {
    char* last = nullptr;
    for (; *s; s++)
        if (*s == '/') last = s;
    return last;
}
} // namespace

ErrorOr<lv::RefPtr<Inode>> lookup_path(const char* path, bool follow_symlinks) {
    auto root = process_root();
    if (!root) return Errno::ENOENT;
    FsContext* ctx = kernel::current_process().fs().get();
    Inode& base = ctx && ctx->cwd ? *ctx->cwd : *root;
    return resolve(base, path, follow_symlinks);
}

ErrorOr<size_t> read_inode(Inode& inode, u64 offset, void* kernel_buf, size_t n) {
    if (inode.is_dir()) return Errno::EISDIR;
    MutexLocker l(vfs_lock());
    return inode.read_at(offset, IoBuffer::kernel(kernel_buf), n);
}

u64 inode_size(Inode& inode) { return inode.size; }

namespace {
// `path` made absolute against the cwd, without resolving anything.
void make_absolute(const char* path, char* out, size_t cap) {
    size_t len = 0;
    FsContext* ctx = kernel::current_process().fs().get();
    if (path[0] != '/' && ctx && ctx->cwd) {
        auto r = path_of(*ctx->cwd, out, cap);
        if (!r.is_error()) {
            len = r.value();
            if (len > 1 && len + 1 < cap) out[len++] = '/'; // "/" already ends with one
        }
    }
    size_t n = strnlen(path, cap - 1 - len);
    memcpy(out + len, path, n);
    out[len + n] = 0;
}
} // namespace

void absolute_path(const char* path, char* result, size_t cap) {
    if (!cap) return;
    // Work on a copy: `result` may be the process's own exe_path, which resolving
    // /proc/self/exe reads.
    char out[256];
    cap = min(cap, sizeof out);
    make_absolute(path, out, cap);
    auto done = [&] {
        // "/bin/./busybox" -> "/bin/busybox" (lexically: the symlinks are resolved above).
        char clean[256];
        auto n = normalize(lv::StringView(out), clean, sizeof clean);
        const char* src = n.is_error() ? out : clean;
        memcpy(result, src, strnlen(src, cap - 1) + 1);
        result[cap - 1] = 0;
    };
    // Follow a final symlink, as /proc/self/exe must name the program itself: busybox
    // re-runs itself through /proc/self/exe, and a process whose exe path were that magic
    // link would point at itself.
    auto root = root_inode();
    if (!root) return done();
    char target[256];
    for (int depth = 0; depth < kMaxSymlinks; depth++) {
        auto n = readlink(*root, out, target, sizeof target - 1);
        if (n.is_error()) return done(); // not a symlink: done
        target[n.value()] = 0;
        if (target[0] == '/') {
            make_absolute(target, out, cap);
            continue;
        }
        // Relative: against the link's directory.
        char* slash = strrchr_simple(out);
        size_t dir_len = slash ? size_t(slash - out) + 1 : 0;
        size_t t = strnlen(target, cap - 1 - dir_len);
        memcpy(out + dir_len, target, t);
        out[dir_len + t] = 0;
    }
    done();
}

ErrorOr<lv::RefPtr<File>> file_for_mmap(int fd) {
    FdTable* t = kernel::current_process().fds().get();
    if (!t) return Errno::EBADF;
    auto file = TRY(t->get(fd));
    if (file->is_path()) return Errno::EBADF;
    if (!file->readable()) return Errno::EACCES;
    if (!file->inode->is_regular()) return Errno::ENODEV;
    TRY(file->ops->can_mmap(*file));
    return file;
}

ErrorOr<lv::RefPtr<File>> file_for_exec(Inode& inode, const char* path) {
    if (!inode.has_pages()) return lv::RefPtr<File>();
    auto file = TRY(File::create(lv::RefPtr<Inode>(&inode), kORdOnly));
    TRY(file->deny_write()); // ETXTBSY while it is open for writing
    char abs[256];
    absolute_path(path, abs, sizeof abs);
    file->set_name(nullptr, lv::StringView(abs, strlen(abs)));
    return file;
}

ErrorOr<void> check_executable(Inode& inode) {
    // execve(2): a directory is EACCES, as is any non-regular file; root still needs
    // one x bit (Linux's generic_permission for MAY_EXEC).
    if (!inode.is_regular()) return Errno::EACCES;
    if (!(inode.mode & 0111)) return Errno::EACCES;
    return {};
}

ErrorOr<bool> fd_is_tty(int fd) {
    FdTable* t = kernel::current_process().fds().get();
    if (!t) return Errno::EBADF;
    auto file = TRY(t->get(fd));
    return file->ops && file->ops->is_tty();
}

lv::RefPtr<FdTable> create_fd_table() { return lv::RefPtr<FdTable>::adopt(FdTable::create()); }
lv::RefPtr<FdTable> clone_fd_table(FdTable& src) { return lv::RefPtr<FdTable>::adopt(src.clone()); }
void close_on_exec(FdTable& t) { t.close_on_exec(); }

lv::RefPtr<FsContext> create_fs_context() { return lv::RefPtr<FsContext>::adopt(FsContext::create()); }
lv::RefPtr<FsContext> clone_fs_context(FsContext& src) { return lv::RefPtr<FsContext>::adopt(src.clone()); }
} // namespace fs
