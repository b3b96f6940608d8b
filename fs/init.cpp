// Filesystem bring-up: the root ramfs, devfs on /dev, /tmp, and the console fds.
#include <fs/dev/devices.h>
#include <fs/fd_table.h>
#include <fs/kernel_api.h>
#include <fs/procfs.h>
#include <fs/sysfs.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <kernel/log.h>

namespace fs {
namespace {
lv::RefPtr<Inode> g_console_inode;
FileSystem* g_devfs = nullptr;

ErrorOr<lv::RefPtr<Inode>> ensure_dir(Inode& parent, const char* name, u32 perms) {
    auto existing = parent.lookup(name);
    if (!existing.is_error()) return existing.release_value();
    auto dir = TRY(parent.create(name, kIfdir | perms, 0));
    dir->mode = kIfdir | perms; // no umask at boot: 1777 stays 1777
    return dir;
}

ErrorOr<void> populate_devfs(Inode& dev) {
    struct Node {
        const char* name;
        u32 mode;
        u32 major, minor;
    };
    const Node nodes[] = {
        {"null", 0666, 1, 3}, {"zero", 0666, 1, 5}, {"full", 0666, 1, 7}, {"random", 0666, 1, 8},
        {"urandom", 0666, 1, 9}, {"tty", 0666, 5, 0}, {"console", 0600, 5, 1},
    };
    for (const Node& n : nodes) {
        auto inode = TRY(dev.create(n.name, kIfchr | n.mode, make_dev(n.major, n.minor)));
        if (n.major == 5 && n.minor == 1) g_console_inode = inode;
    }
    // The usual links into /proc (they dangle until procfs is mounted).
    TRY(dev.symlink("fd", "/proc/self/fd"));
    TRY(dev.symlink("stdin", "/proc/self/fd/0"));
    TRY(dev.symlink("stdout", "/proc/self/fd/1"));
    TRY(dev.symlink("stderr", "/proc/self/fd/2"));
    TRY(ensure_dir(dev, "shm", 01777));
    TRY(ensure_dir(dev, "pts", 0755));
    return {};
}

ErrorOr<void> init_tree() {
    // The initramfs root and devtmpfs are tmpfs instances with its default limits.
    FileSystem* rootfs = create_ramfs("rootfs", kTmpfsMagic, tmpfs_default_pages(), tmpfs_default_pages());
    if (!rootfs) return Errno::ENOMEM;
    set_root(*rootfs);
    Inode& root = *rootfs->root;
    TRY(ensure_dir(root, "tmp", 01777));
    auto dev_dir = TRY(ensure_dir(root, "dev", 0755));
    auto proc_dir = TRY(ensure_dir(root, "proc", 0555));
    auto sys_dir = TRY(ensure_dir(root, "sys", 0555));

    FileSystem* devfs = create_ramfs("devtmpfs", kTmpfsMagic, tmpfs_default_pages(), tmpfs_default_pages());
    if (!devfs) return Errno::ENOMEM;
    g_devfs = devfs;
    TRY(populate_devfs(*devfs->root));
    TRY(mount(*dev_dir, *devfs));

    FileSystem* procfs = create_procfs();
    if (procfs) TRY(mount(*proc_dir, *procfs));
    FileSystem* sysfs = create_sysfs();
    if (sysfs) TRY(mount(*sys_dir, *sysfs));
    return {};
}
} // namespace

FileSystem* devtmpfs() { return g_devfs; }

void init() {
    register_mem_devices();
    register_tty_devices();
    auto r = init_tree();
    if (r.is_error()) kernel::panic("fs: cannot build the root filesystem (errno %d)", int(r.error()));
}

ErrorOr<void> install_console_fds(FdTable& t) {
    if (!g_console_inode) return Errno::ENODEV;
    // fds 0 and 1 share one open file (as a getty's dup does); fd 2 has its own, whose
    // output goes on the stderr channel.
    auto out = TRY(File::create(g_console_inode, kORdWr | kOLargeFile));
    out->private_data = kTtyChannelStdout;
    auto err = TRY(File::create(g_console_inode, kORdWr | kOLargeFile));
    err->private_data = kTtyChannelStderr;
    TRY(t.install(0, out, false));
    TRY(t.install(1, out, false));
    TRY(t.install(2, err, false));
    return {};
}
} // namespace fs
