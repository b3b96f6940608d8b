// Building a fresh user image: the ELF loader (static ET_EXEC, static-pie ET_DYN, and
// an interpreter when PT_INTERP names one) and the Linux initial stack.
#pragma once
#include <lib/result.h>
#include <lib/types.h>

namespace mm {
class AddressSpace;
}
namespace fs {
class Inode;
}

namespace kernel {
struct Image {
    mm::AddressSpace* as = nullptr; // owned by the caller on success
    VirtAddr entry = 0;
    VirtAddr stack_pointer = 0;
    VirtAddr brk_start = 0;
    VirtAddr sigreturn_trampoline = 0;
};

// argv/envp are kernel strings. `path` is the program as given (AT_EXECFN).
ErrorOr<Image> load_image(const char* path, const char* const* argv, size_t argc, const char* const* envp,
                          size_t envc);
// The same for an inode already looked up (execveat with a dirfd or AT_EMPTY_PATH).
ErrorOr<Image> load_image(fs::Inode& inode, const char* path, const char* const* argv, size_t argc,
                          const char* const* envp, size_t envc);
} // namespace kernel
