// signalfd(2): a file from which the calling thread reads its own pending signals (those
// in the file's mask, thread-directed first, then the process's) as struct
// signalfd_siginfo, instead of having them delivered. The signals are usually blocked,
// so that only the file sees them.
#pragma once
#include <fs/file.h>

namespace fs {
ErrorOr<lv::RefPtr<File>> create_signalfd(u64 mask, u32 flags); // flags: O_NONBLOCK
// signalfd on an existing fd: a new mask for it (EINVAL if it is not a signalfd).
ErrorOr<void> signalfd_set_mask(File& f, u64 mask);
} // namespace fs
