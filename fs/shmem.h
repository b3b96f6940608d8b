// The kernel's own tmpfs (Linux's shm_mnt): files with no name in any directory that
// back shared anonymous memory, SysV shared memory segments and memfds. Their pages are
// memory objects like any ramfs file's; the name given is what /proc/PID/maps and
// /proc/PID/fd show, with " (deleted)" (they have no link).
#pragma once
#include <fs/file.h>

namespace fs {
// A new file of `size` bytes (holes: pages come on first touch), open O_RDWR.
// ENOMEM. The name is copied.
ErrorOr<lv::RefPtr<File>> shmem_file(lv::StringView name, u64 size, u32 mode = 0600);
} // namespace fs
