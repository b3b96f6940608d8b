// eventfd(2): a 64-bit counter in a file. write adds, read takes the whole count (or
// one, in semaphore mode); each blocks at its limit (0 for read, 0xfffffffffffffffe
// for write) unless the file is non-blocking.
#pragma once
#include <fs/file.h>

namespace fs {
constexpr u32 kEfdSemaphore = 1;
// An open eventfd with `initval` and EFD_* flags (EFD_NONBLOCK == O_NONBLOCK; O_CLOEXEC is
// the caller's).
ErrorOr<lv::RefPtr<File>> create_eventfd(u64 initval, u32 flags);
} // namespace fs
