// Copying argv/envp-style string vectors from user memory (execve, spawn_args).
#pragma once
#include <lib/own_ptr.h>
#include <lib/result.h>
#include <mm/user_ptr.h>

namespace kernel {
// One kernel block holding copies of a user NULL-terminated vector of strings.
struct StringVector {
    static constexpr size_t kMaxItems = 4096;
    static constexpr size_t kSpace = 2u << 20; // total string bytes (an ARG_MAX-like bound)
    lv::OwnPtr<char> space;
    size_t used = 0;
    const char* items[kMaxItems];
    size_t count = 0;
};

// Appends the strings of the user vector (a null vector adds nothing). E2BIG when the
// strings or their count exceed the bounds; EFAULT on a bad pointer.
ErrorOr<void> copy_string_vector(UserPtr<u64> uvec, StringVector& out);

// A user path copied into a kernel buffer of PATH_MAX (4096) bytes.
struct KernelPath {
    lv::OwnPtr<char> buf;
    size_t len = 0;
    const char* c_str() const { return buf.get(); }
};
// ENAMETOOLONG past PATH_MAX, EFAULT, ENOMEM.
ErrorOr<KernelPath> copy_path(UserPtr<const char> upath);
} // namespace kernel
