// execve(2): replace the calling process's program.
#pragma once
#include <kernel/sync/giant.h>
#include <kernel/user_strings.h>

namespace fs {
class Inode;
}

namespace kernel {
// `path` is the name the program was run by (AT_EXECFN, the script name for #!).
// On success the caller's TrapFrame starts the new program; on error nothing changed.
// `args` may be rewritten (#! scripts) within its argument space.
ErrorOr<void> do_execve(fs::Inode& inode, const char* path, ExecArgs& args) LV_REQUIRES_GIANT;
} // namespace kernel
