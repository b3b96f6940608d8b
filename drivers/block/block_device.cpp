// The block device registry; see block_device.h.
#include <drivers/block/block_device.h>
#include <drivers/block/dev_file.h>
#include <fs/file.h>
#include <fs/vfs.h>
#include <kernel/log.h>
#include <lib/string.h>

namespace drivers::block {
namespace {
constexpr size_t kMaxDevices = 16;
BlockDevice* g_devices[kMaxDevices];
size_t g_count = 0;
} // namespace

ErrorOr<void> BlockDevice::transfer_pages(bool is_write, u64 sector, void* const* pages, size_t count) {
    constexpr size_t kPerPage = 4096 / kSectorSize;
    for (size_t i = 0; count > 0; i++) {
        size_t n = min(count, kPerPage);
        if (is_write) TRY(write(sector, pages[i], n));
        else TRY(read(sector, pages[i], n));
        sector += n;
        count -= n;
    }
    return {};
}

ErrorOr<void> register_device(BlockDevice& d, const char* prefix, u32 major) {
    if (g_count == kMaxDevices) return Errno::ENOSPC;
    // The n-th disk of a kind: prefix + 'a' + n (26 are plenty here).
    u32 nth = 0;
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < g_count; i++)
        if (strncmp(g_devices[i]->name, prefix, plen) == 0) nth++;
    if (nth >= 26 || plen + 2 > sizeof d.name) return Errno::ENOSPC;
    memcpy(d.name, prefix, plen);
    d.name[plen] = char('a' + nth);
    d.name[plen + 1] = 0;
    d.dev = fs::make_dev(major, nth * kMinorsPerDisk);
    d.index = u32(g_count);
    g_devices[g_count++] = &d;
    fs::register_block_device(d.dev, block_file_ops());

    char path[16] = "/dev/";
    memcpy(path + 5, d.name, plen + 2);
    auto root = fs::root_inode();
    auto node = root ? fs::make_node(*root, path, fs::kIfblk | 0660, d.dev) : ErrorOr<lv::RefPtr<fs::Inode>>(Errno::ENOENT);
    if (node.is_error()) log_warn("block: cannot create %s (errno %d)", path, int(node.error()));
    log_info("block: %s (%u:%u), %lu sectors (%lu MiB)%s", d.name, fs::dev_major(d.dev), fs::dev_minor(d.dev),
             d.sectors, d.sectors >> 11, d.read_only ? ", read-only" : "");
    return {};
}

BlockDevice* find(u64 dev) {
    for (size_t i = 0; i < g_count; i++)
        if (g_devices[i]->dev == dev) return g_devices[i];
    return nullptr;
}

BlockDevice* device_at(size_t i) { return i < g_count ? g_devices[i] : nullptr; }
} // namespace drivers::block
