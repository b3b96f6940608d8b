// mount(2) and umount2(2) over the VFS mount table: tmpfs/ramfs, proc, devtmpfs and
// bind mounts of directories.
#include <fs/dev/devices.h>
#include <fs/fcntl.h>
#include <fs/fs_types.h>
#include <fs/mutex.h>
#include <fs/procfs.h>
#include <fs/sysfs.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <kernel/cred.h>
#include <kernel/process.h>
#include <syscalls/fs.h>
#include <syscalls/fs_util.h>

using namespace fs;

namespace {
constexpr unsigned long kMsRdonly = 1, kMsRemount = 32, kMsBind = 4096, kMsMove = 8192, kMsRec = 16384,
                        kMsSilent = 32768, kMsUnbindable = 1 << 17, kMsPrivate = 1 << 18, kMsSlave = 1 << 19,
                        kMsShared = 1 << 20;
constexpr unsigned long kMsPropagation = kMsUnbindable | kMsPrivate | kMsSlave | kMsShared;
constexpr int kMntForce = 1, kMntDetach = 2, kMntExpire = 4, kUmountNoFollow = 8;

bool is_mount_root(Inode& i) {
    MutexLocker l(vfs_lock());
    return &i == root_inode().get() || covered_by(i);
}

// "mode=1777" in tmpfs' option string; -1 if absent.
int mode_option(const char* opts) {
    for (const char* p = opts; p && *p;) {
        if (strncmp(p, "mode=", 5) == 0) {
            int m = 0;
            for (p += 5; *p >= '0' && *p <= '7'; p++) m = m * 8 + (*p - '0');
            return m & 07777;
        }
        while (*p && *p != ',') p++;
        if (*p == ',') p++;
    }
    return -1;
}

// Linux's memparse(): a number with an optional k/m/g/t/p/e suffix (powers of 1024).
bool parse_size(const char* s, size_t n, u64& out) {
    u64 v = 0;
    size_t i = 0;
    if (n == 0) return false;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (~0ull - 9) / 10) return false;
        v = v * 10 + u64(s[i] - '0');
    }
    if (i == 0) return false;
    int shift = 0;
    if (i < n) {
        switch (s[i] | 0x20) {
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        case 't': shift = 40; break;
        case 'p': shift = 50; break;
        case 'e': shift = 60; break;
        default: return false;
        }
        i++;
    }
    if (i != n || (shift && v > (~0ull >> shift))) return false;
    out = v << shift;
    return true;
}

// tmpfs' size= (bytes, or N% of RAM), nr_blocks= and nr_inodes= (shmem_parse_one);
// mode= is read separately. Unknown options are EINVAL, as tmpfs says.
ErrorOr<void> tmpfs_options(const char* opts, u64& pages, u64& inodes) {
    for (const char* p = opts; p && *p;) {
        const char* end = p;
        while (*end && *end != ',') end++;
        lv::StringView opt(p, size_t(end - p));
        const char* eq = p;
        while (eq < end && *eq != '=') eq++;
        lv::StringView key(p, size_t(eq - p));
        const char* val = eq < end ? eq + 1 : end;
        size_t vlen = size_t(end - val);
        u64 v = 0;
        if (key == "size") {
            if (vlen && val[vlen - 1] == '%') {
                if (!parse_size(val, vlen - 1, v) || v > 100000) return Errno::EINVAL;
                pages = tmpfs_default_pages() * 2 * v / 100;
            } else {
                if (!parse_size(val, vlen, v)) return Errno::EINVAL;
                pages = align_up<u64>(v, kDataPageSize) / kDataPageSize;
                if (v && !pages) return Errno::EINVAL;
            }
        } else if (key == "nr_blocks") {
            if (!parse_size(val, vlen, v)) return Errno::EINVAL;
            pages = v;
        } else if (key == "nr_inodes") {
            if (!parse_size(val, vlen, v)) return Errno::EINVAL;
            inodes = v;
        } else if (!(key == "mode") && !(key == "uid") && !(key == "gid") && !opt.empty()) {
            return Errno::EINVAL;
        }
        p = *end ? end + 1 : end;
    }
    return {};
}

ErrorOr<FileSystem*> new_filesystem(const char* type, const char* opts) {
    if (!strcmp(type, "tmpfs") || !strcmp(type, "ramfs")) {
        bool tmpfs = !strcmp(type, "tmpfs");
        // ramfs has no limits and ignores its options; tmpfs has half of RAM by default.
        u64 pages = 0, inodes = 0;
        if (tmpfs) {
            pages = inodes = tmpfs_default_pages();
            TRY(tmpfs_options(opts, pages, inodes));
        }
        FileSystem* f = create_ramfs(tmpfs ? "tmpfs" : "ramfs", kTmpfsMagic, pages, inodes);
        if (!f) return Errno::ENOMEM;
        int mode = mode_option(opts);
        f->root->mode = kIfdir | u32(mode >= 0 ? mode : 01777); // tmpfs' root is 1777 by default
        f->discard_on_unmount = true;
        return f;
    }
    if (!strcmp(type, "proc")) {
        FileSystem* f = create_procfs();
        if (!f) return Errno::ENOMEM;
        f->discard_on_unmount = true;
        return f;
    }
    if (!strcmp(type, "sysfs")) {
        FileSystem* f = create_sysfs();
        if (!f) return Errno::ENOMEM;
        f->discard_on_unmount = true;
        return f;
    }
    if (!strcmp(type, "devtmpfs") && devtmpfs()) return devtmpfs();
    return Errno::ENODEV; // FIXME: devpts, cgroup2, ...
}
} // namespace

ErrorOr<long> sys_mount(UserPtr<const char> source, UserPtr<const char> target, UserPtr<const char> fstype,
                        unsigned long flags, UserPtr<const void> data) {
    auto where = TRY(sc::lookup_at(kAtFdCwd, target, true, false));
    // may_mount() (CAP_SYS_ADMIN) comes after the target is looked up, as in path_mount().
    if (!kernel::capable(kernel::current_process())) return Errno::EPERM;
    flags &= ~kMsSilent;
    if (flags & kMsRemount) {
        if (!is_mount_root(*where)) return Errno::EINVAL;
        if (!(flags & kMsBind)) {
            bool ro = flags & kMsRdonly;
            if (ro && !where->fs.read_only) TRY(where->fs.sync()); // what is cached reaches the disk first
            where->fs.read_only = ro;
        }
        return 0;
    }
    // Changing propagation (MS_PRIVATE and friends) alone: there is only one namespace.
    if ((flags & kMsPropagation) && !(flags & ~(kMsPropagation | kMsRec))) return 0;
    if (flags & kMsMove) return Errno::EINVAL; // FIXME: MS_MOVE
    if (!where->is_dir()) return Errno::ENOTDIR;
    if (flags & kMsBind) {
        auto from = TRY(sc::lookup_at(kAtFdCwd, source, true, false));
        if (!from->is_dir()) return Errno::ENOTDIR; // FIXME: bind mounts of single files
        TRY(bind_mount(*where, *from));
        return 0;
    }
    char type[32];
    auto type_len = mm::copy_string_from_user(type, fstype.addr(), sizeof type);
    if (type_len.is_error()) return type_len.error() == Errno::ENAMETOOLONG ? Errno::ENODEV : type_len.error();
    char opts[128] = {};
    if (!data.is_null()) (void)mm::copy_string_from_user(opts, data.addr(), sizeof opts - 1);
    if (const BlockFsType* bt = find_block_fs(lv::StringView(type))) { // ext2 on /dev/vdX
        auto dev = TRY(sc::lookup_at(kAtFdCwd, source, true, false));
        FileSystem* f = TRY(mount_block_fs(*bt, *dev, flags & kMsRdonly));
        auto r = mount(*where, *f);
        if (r.is_error()) (void)f->unmount();
        TRY(r);
        return 0;
    }
    FileSystem* f = TRY(new_filesystem(type, opts));
    if (flags & kMsRdonly) f->read_only = true;
    if (auto r = mount(*where, *f); r.is_error()) {
        if (f->discard_on_unmount) { // a new instance nobody else can reach
            f->root.clear();
            f->detach();
        }
        return r.error();
    }
    return 0;
}

ErrorOr<long> sys_umount2(UserPtr<const char> target, int flags) {
    if (flags & ~(kMntForce | kMntDetach | kMntExpire | kUmountNoFollow)) return Errno::EINVAL;
    if ((flags & kMntExpire) && (flags & (kMntForce | kMntDetach))) return Errno::EINVAL;
    auto where = TRY(sc::lookup_at(kAtFdCwd, target, !(flags & kUmountNoFollow), false));
    if (!kernel::capable(kernel::current_process())) return Errno::EPERM; // can_umount()
    TRY(unmount(*where));
    return 0;
}
