// A process's filesystem context: working directory, root directory and umask (shared by CLONE_FS
// threads, copied by fork).
#pragma once
#include <fs/inode.h>

namespace fs {
struct FsContext {
    lv::RefPtr<Inode> cwd;
    lv::RefPtr<Inode> root; // chroot(2); null means the global root
    u32 umask = 022;
    u32 shares = 1; // processes using this context (CLONE_FS); see fs::destroy_fs_context

    static FsContext* create(); // cwd = the root; null on ENOMEM
    FsContext* clone();
};
} // namespace fs
