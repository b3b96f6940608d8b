#include <fs/context.h>
#include <fs/vfs.h>

namespace fs {
FsContext* FsContext::create() {
    auto* c = lv::make<FsContext>();
    if (c) c->cwd = root_inode();
    return c;
}

FsContext* FsContext::clone() {
    auto* c = lv::make<FsContext>();
    if (!c) return nullptr;
    c->cwd = cwd;
    c->root = root;
    c->umask = umask;
    return c;
}
} // namespace fs
