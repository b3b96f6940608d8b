#include <fs/mutex.h>

namespace fs {
namespace {
Mutex g_vfs_lock("vfs");
} // namespace

Mutex& vfs_lock() { return g_vfs_lock; }
} // namespace fs
