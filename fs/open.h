// open(2) over a path: O_CREAT/O_EXCL/O_TRUNC/O_DIRECTORY/O_NOFOLLOW/O_PATH/O_TMPFILE
// with Linux's errno rules (fs/namei.c: do_last, may_open).
#pragma once
#include <fs/file.h>

namespace fs {
// `mode` are the creation permissions before the umask is applied.
ErrorOr<lv::RefPtr<File>> open_path(Inode& base, lv::StringView path, u32 flags, u32 mode, u32 umask);
// The checks and side effects of opening an inode already found (also used for
// /proc/self/fd reopens): type vs. flags, truncation.
ErrorOr<lv::RefPtr<File>> open_inode(lv::RefPtr<Inode> inode, u32 flags);
} // namespace fs
