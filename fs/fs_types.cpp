// Block filesystem types and the root= boot option; see fs_types.h.
#include <fs/dev/devices.h>
#include <fs/fs_types.h>
#include <fs/kernel_api.h>
#include <fs/mutex.h>
#include <fs/procfs.h>
#include <fs/vfs.h>
#include <kernel/cmdline.h>
#include <kernel/log.h>

namespace fs {
namespace {
constexpr size_t kMaxTypes = 4;
const BlockFsType* g_types[kMaxTypes];
size_t g_type_count = 0;
} // namespace

void register_block_fs(const BlockFsType& type) {
    if (g_type_count < kMaxTypes) g_types[g_type_count++] = &type;
}

size_t block_fs_count() { return g_type_count; }
const BlockFsType& block_fs(size_t i) { return *g_types[i]; }

const BlockFsType* find_block_fs(lv::StringView name) {
    for (size_t i = 0; i < g_type_count; i++)
        if (name == lv::StringView(g_types[i]->name)) return g_types[i];
    return nullptr;
}

ErrorOr<FileSystem*> mount_block_fs(const BlockFsType& type, Inode& source, bool read_only) {
    if (source.type() != kIfblk) return Errno::ENOTBLK;
    return type.mount(source.rdev, read_only);
}

void mount_root_from_cmdline(const char* cmdline) {
    char dev_path[64], type_name[16] = "";
    if (!kernel::cmdline::get(cmdline, "root", dev_path, sizeof dev_path)) return;
    kernel::cmdline::get(cmdline, "rootfstype", type_name, sizeof type_name);
    bool read_only = kernel::cmdline::flag(cmdline, "ro");
    auto node = lookup_path(dev_path);
    if (node.is_error()) {
        log_error("root=%s: no such device (errno %d); staying on the initramfs", dev_path, int(node.error()));
        return;
    }
    FileSystem* root = nullptr;
    Errno err = Errno::ENODEV;
    for (size_t i = 0; i < g_type_count && !root; i++) {
        if (type_name[0] && lv::StringView(type_name) != lv::StringView(g_types[i]->name)) continue;
        auto r = mount_block_fs(*g_types[i], *node.value(), read_only);
        if (r.is_error()) err = r.error();
        else root = r.value();
    }
    if (!root) {
        log_error("root=%s: cannot mount it (errno %d); staying on the initramfs", dev_path, int(err));
        return;
    }
    // The disk becomes the root of a new mount table; the initramfs is left unreachable
    // (FIXME: its memory is not given back, as Linux's switch_root would by deleting it).
    set_root(*root);
    log_info("root: %s (%s%s) mounted on /", dev_path, root->name, read_only ? ", read-only" : "");
    // The new root's /dev and /proc get devtmpfs and proc, where it has those directories.
    if (auto dev = lookup_path("/dev"); !dev.is_error() && devtmpfs()) (void)mount(*dev.value(), *devtmpfs());
    if (auto proc = lookup_path("/proc"); !proc.is_error())
        if (FileSystem* p = create_procfs()) (void)mount(*proc.value(), *p);
}
} // namespace fs
