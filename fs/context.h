// A process's filesystem context: working directory, root directory and umask (shared by CLONE_FS
// threads, copied by fork).
#pragma once
#include <fs/inode.h>

namespace fs {
// Reference-counted: each process using it (CLONE_FS shares it) holds a reference.
struct FsContext : lv::RefCounted<FsContext> {
    lv::RefPtr<Inode> cwd;
    lv::RefPtr<Inode> root; // chroot(2); null means the global root
    u32 umask = 022;

    static FsContext* create(); // cwd = the root; null on ENOMEM
    FsContext* clone();
};
} // namespace fs
