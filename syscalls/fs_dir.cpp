// Directories: getdents, mkdir, mknod, unlink, rmdir, chdir, getcwd.
#include <fs/fcntl.h>
#include <fs/mutex.h>
#include <fs/vfs.h>
#include <kernel/cred.h>
#include <kernel/process.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>

using namespace fs;

namespace {
// Packs entries into a kernel buffer in the dirent64 or legacy linux_dirent layout.
class DirentWriter final : public DirEntrySink {
public:
    DirentWriter(u8* buf, size_t cap, bool legacy) : m_buf(buf), m_cap(cap), m_legacy(legacy) {}
    bool emit(lv::StringView name, u64 ino, u8 type, u64 next_cookie) override {
        // dirent64: u64 ino, i64 off, u16 reclen, u8 type, name + NUL.
        // linux_dirent: ulong ino, ulong off, u16 reclen, name + NUL, pad, u8 type (last byte).
        size_t header = m_legacy ? 18 : 19;
        size_t reclen = align_up<size_t>(header + name.size + 1 + (m_legacy ? 1 : 0), 8);
        if (m_len + reclen > m_cap) return false;
        u8* d = m_buf + m_len;
        memset(d, 0, reclen);
        u16 r16 = u16(reclen);
        memcpy(d, &ino, 8);
        memcpy(d + 8, &next_cookie, 8);
        memcpy(d + 16, &r16, 2);
        if (m_legacy) d[reclen - 1] = type;
        else d[18] = type;
        memcpy(d + header, name.data, name.size);
        m_len += reclen;
        m_cookie = next_cookie;
        return true;
    }
    size_t length() const { return m_len; }
    u64 cookie() const { return m_cookie; }

private:
    u8* m_buf;
    size_t m_cap, m_len = 0;
    bool m_legacy;
    u64 m_cookie = 0;
};

ErrorOr<long> getdents_common(int fd, UserPtr<u8> buf, unsigned count, bool legacy) {
    auto f = TRY(sc::io_file(fd));
    if (!f->inode->is_dir()) return Errno::ENOTDIR;
    size_t cap = min<size_t>(count, 64 * 1024);
    u8* kbuf = static_cast<u8*>(kmalloc(cap ? cap : 1));
    if (!kbuf) return Errno::ENOMEM;
    DirentWriter w(kbuf, cap, legacy);
    Errno err {};
    {
        MutexLocker l(vfs_lock());
        u64 cookie = f->offset;
        auto r = f->inode->iterate(cookie, w);
        if (r.is_error()) err = r.error();
        else if (w.length() == 0 && cookie == f->offset) {
            // Either the end, or not even one entry fits: tell which (getdents(2)).
            struct Probe final : DirEntrySink {
                bool any = false;
                bool emit(lv::StringView, u64, u8, u64) override { any = true; return false; }
            } probe;
            u64 c = cookie;
            (void)f->inode->iterate(c, probe);
            if (probe.any) err = Errno::EINVAL;
        }
        if (err == Errno {}) {
            auto copied = buf.write_array(kbuf, w.length());
            if (copied.is_error()) err = copied.error();
            else if (w.length()) f->offset = w.cookie();
        }
        if (err == Errno {}) f->inode->touch_atime();
    }
    kfree(kbuf);
    if (err != Errno {}) return err;
    return long(w.length());
}

// mknod's dev_t is the 32-bit "new" encoding (new_decode_dev).
u64 decode_dev(u32 dev) { return make_dev((dev & 0xfff00) >> 8, (dev & 0xff) | ((dev >> 12) & 0xfff00)); }

ErrorOr<long> make_at(int dirfd, UserPtr<const char> path, u32 mode, u64 rdev) {
    sc::UserPath p;
    TRY(p.copy(path));
    if (p.empty()) return Errno::ENOENT;
    auto base = TRY(sc::base_dir(dirfd, p.view()));
    TRY(make_node(*base, p.view(), mode, rdev));
    return 0;
}

ErrorOr<long> remove_at(int dirfd, UserPtr<const char> path, bool rmdir) {
    sc::UserPath p;
    TRY(p.copy(path));
    if (p.empty()) return Errno::ENOENT;
    auto base = TRY(sc::base_dir(dirfd, p.view()));
    TRY(remove(*base, p.view(), rmdir));
    return 0;
}
} // namespace

ErrorOr<long> sys_getdents64(int fd, UserPtr<u8> buf, unsigned count) { return getdents_common(fd, buf, count, false); }
ErrorOr<long> sys_getdents(int fd, UserPtr<u8> buf, unsigned count) { return getdents_common(fd, buf, count, true); }

ErrorOr<long> sys_mkdirat(int dirfd, UserPtr<const char> path, unsigned mode) {
    u32 perms = mode & (0777 | kIsvtx) & ~sc::context().umask;
    return make_at(dirfd, path, kIfdir | perms, 0);
}

ErrorOr<long> sys_mkdir(UserPtr<const char> path, unsigned mode) { return sys_mkdirat(kAtFdCwd, path, mode); }

ErrorOr<long> sys_mknodat(int dirfd, UserPtr<const char> path, unsigned mode, unsigned dev) {
    u32 type = mode & kIfmt;
    if (type == 0) type = kIfreg;
    if (type == kIfdir) return Errno::EPERM;
    if (type != kIfreg && type != kIfchr && type != kIfblk && type != kIfifo && type != kIfsock) return Errno::EINVAL;
    u32 perms = mode & kPermMask & ~sc::context().umask;
    return make_at(dirfd, path, type | perms, (type == kIfchr || type == kIfblk) ? decode_dev(dev) : 0);
}

ErrorOr<long> sys_mknod(UserPtr<const char> path, unsigned mode, unsigned dev) {
    return sys_mknodat(kAtFdCwd, path, mode, dev);
}

ErrorOr<long> sys_unlinkat(int dirfd, UserPtr<const char> path, int flags) {
    if (u32(flags) & ~kAtRemoveDir) return Errno::EINVAL;
    return remove_at(dirfd, path, flags & kAtRemoveDir);
}

ErrorOr<long> sys_unlink(UserPtr<const char> path) { return remove_at(kAtFdCwd, path, false); }
ErrorOr<long> sys_rmdir(UserPtr<const char> path) { return remove_at(kAtFdCwd, path, true); }

ErrorOr<long> sys_chdir(UserPtr<const char> path) {
    auto inode = TRY(sc::lookup_at(kAtFdCwd, path, true, false));
    if (!inode->is_dir()) return Errno::ENOTDIR;
    sc::context().cwd = inode;
    return 0;
}

ErrorOr<long> sys_fchdir(int fd) {
    auto f = TRY(sc::file(fd));
    if (!f->inode->is_dir()) return Errno::ENOTDIR;
    sc::context().cwd = f->inode;
    return 0;
}

ErrorOr<long> sys_chroot(UserPtr<const char> path) {
    auto inode = TRY(sc::lookup_at(kAtFdCwd, path, true, false));
    if (!inode->is_dir()) return Errno::ENOTDIR;
    if (!kernel::capable(kernel::current_process())) return Errno::EPERM; // CAP_SYS_CHROOT
    sc::context().root = inode; // the cwd stays where it is, as in Linux
    return 0;
}

ErrorOr<long> sys_getcwd(UserPtr<char> buf, size_t size) {
    char* k = static_cast<char*>(kmalloc(kPathMax));
    if (!k) return Errno::ENOMEM;
    auto len = path_of(*sc::context().cwd, k, kPathMax);
    Errno err {};
    if (len.is_error()) err = len.error() == Errno::ERANGE ? Errno::ENAMETOOLONG : len.error();
    else if (len.value() + 1 > size) err = Errno::ERANGE;
    else if (auto r = buf.write_array(k, len.value() + 1); r.is_error()) err = r.error();
    kfree(k);
    if (err != Errno {}) return err;
    return long(len.value() + 1);
}
