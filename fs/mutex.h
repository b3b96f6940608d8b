// The filesystems' lock: one sleeping mutex (kernel/sync/mutex.h) over every
// filesystem's tree and file contents (a "big fs lock"; FIXME: per-inode locks once
// there are several CPUs or contention shows).
#pragma once
#include <kernel/sync/mutex.h>

namespace fs {
using kernel::Mutex;
using kernel::MutexLocker;

Mutex& vfs_lock();
} // namespace fs
