// Delayed write-back: every few seconds, what the filesystems changed in the block cache
// goes to the disks (Linux's periodic writeback, dirty_writeback_centisecs = 500).
#include <drivers/block/cache.h>
#include <fs/mutex.h>
#include <fs/vfs.h>
#include <fs/writeback.h>
#include <kernel/log.h>
#include <kernel/sched.h>
#include <kernel/thread.h>
#include <kernel/time.h>

namespace fs {
namespace {
constexpr u64 kIntervalNs = 5 * kernel::time::kNsPerSec;

void writeback_thread(void*) {
    for (;;) {
        kernel::sched::sleep_until(kernel::time::monotonic_ns() + kIntervalNs);
        // The VFS lock first: filesystems change cached bytes under it, so the disk gets
        // the state between two operations.
        MutexLocker vfs(vfs_lock());
        // File pages first (they may allocate and write through to the disk), then
        // the metadata in the buffer cache.
        lv::RefPtr<Inode> mountpoint;
        for (size_t i = 0; FileSystem* f = mount_at(i, mountpoint); i++) {
            auto w = f->write_back();
            if (w.is_error()) log_warn("write-back: %s: errno %d", f->name, int(w.error()));
        }
        auto r = drivers::block::write_back_all();
        if (r.is_error()) log_warn("write-back: errno %d", int(r.error()));
    }
}
} // namespace

void start_writeback() {
    if (!drivers::block::device_at(0)) return; // no disk, no thread
    kernel::Thread* t = kernel::create_thread(nullptr, writeback_thread, nullptr, "writeback");
    if (t) kernel::sched::add(*t);
    else log_warn("fs: no write-back thread: dirty blocks reach the disks only by sync");
}
} // namespace fs
