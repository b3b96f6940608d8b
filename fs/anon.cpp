#include <fs/anon.h>
#include <kernel/sync/spinlock.h>

namespace fs {
namespace {
constexpr size_t kMaxKinds = 8;
struct Kind {
    const char* name;
    FileSystem* fs;
};
kernel::Spinlock g_kinds_lock {"anon kinds"};
Kind g_kinds[kMaxKinds] LV_GUARDED_BY(g_kinds_lock);
} // namespace

FileSystem* anon_fs(const char* name) {
    kernel::SpinlockLocker l(g_kinds_lock);
    for (Kind& k : g_kinds) {
        if (k.name && strcmp(k.name, name) == 0) return k.fs;
        if (k.name) continue;
        auto* fs = lv::make<FileSystem>();
        if (!fs) return nullptr;
        fs->dev = FileSystem::allocate_dev();
        fs->magic = kAnonInodeFsMagic;
        fs->name = name;
        k = {name, fs};
        return fs;
    }
    return nullptr; // more kinds than kMaxKinds: a programming error, reported as ENOMEM
}

ErrorOr<lv::RefPtr<File>> open_anon(lv::RefPtr<Inode> inode, u32 flags) {
    return File::create(lv::move(inode), kORdWr | (flags & kONonBlock));
}
} // namespace fs
