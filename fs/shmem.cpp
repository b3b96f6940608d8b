#include <fs/mutex.h>
#include <fs/ramfs.h>
#include <fs/shmem.h>
#include <kernel/sync/spinlock.h>

namespace fs {
namespace {
kernel::Spinlock g_shm_lock {"shmem mount"};
FileSystem* g_shm_fs LV_GUARDED_BY(g_shm_lock) = nullptr;

FileSystem* shm_fs() {
    {
        kernel::SpinlockLocker l(g_shm_lock);
        if (g_shm_fs) return g_shm_fs;
    }
    // No limit of its own, as Linux's internal mount: RLIMITs and memory bound it.
    FileSystem* f = create_ramfs("tmpfs", kTmpfsMagic);
    if (!f) return nullptr;
    kernel::SpinlockLocker l(g_shm_lock);
    if (g_shm_fs) {
        f->detach(); // another CPU made it first
        return g_shm_fs;
    }
    g_shm_fs = f;
    return f;
}
} // namespace

ErrorOr<lv::RefPtr<File>> shmem_file(lv::StringView name, u64 size, u32 mode) {
    FileSystem* f = shm_fs();
    if (!f) return Errno::ENOMEM;
    lv::RefPtr<Inode> inode;
    {
        MutexLocker l(vfs_lock());
        inode = TRY(make_inode<RamFile>(*f, kIfreg | (mode & kPermMask)));
        inode->nlink = 0;
        inode->size = size;
    }
    auto file = TRY(File::create(lv::move(inode), kORdWr));
    file->set_name(nullptr, name);
    return file;
}
} // namespace fs
