// pivot_root(2) (man 2 pivot_root): the mount at new_root becomes /, the old root
// moves to put_old. The checks Linux makes on the paths are in fs::pivot_root.
#include <fs/context.h>
#include <fs/vfs.h>
#include <kernel/cred.h>
#include <kernel/process.h>
#include <syscalls/fs_util.h>
#include <syscalls/mount.h>

using namespace fs;

ErrorOr<long> sys_pivot_root(UserPtr<const char> new_root, UserPtr<const char> put_old) {
    // may_mount(): CAP_SYS_ADMIN, checked before the paths are looked at.
    if (!kernel::capable(kernel::current_process())) return Errno::EPERM;
    // Both are resolved from the cwd, following symlinks; both must be directories.
    auto nr = TRY(sc::lookup_at(kAtFdCwd, new_root, true, false));
    auto old = TRY(sc::lookup_at(kAtFdCwd, put_old, true, false));
    if (!nr->is_dir() || !old->is_dir()) return Errno::ENOTDIR;
    auto old_root = root_inode();
    TRY(fs::pivot_root(*nr, *old));
    // "pivot_root() changes the root directory and the current working directory of
    // each process or thread in the same mount namespace to new_root if they point to
    // the old root directory."
    kernel::for_each_process([&](kernel::Process& p) LV_REQUIRES_GIANT {
        if (!p.fs()) return;
        if (p.fs()->cwd == old_root) p.fs()->cwd = nr;
        if (p.fs()->root == old_root) p.fs()->root = nr;
    });
    return 0;
}
