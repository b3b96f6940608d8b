// Copying execve's argument and environment strings from user memory (execve,
// spawn_args), with Linux's limits, and user paths.
#pragma once
#include <lib/result.h>
#include <lib/own_ptr.h>
#include <lib/vector.h>
#include <mm/user_ptr.h>

namespace kernel {
// Linux's limits (include/uapi/linux/binfmts.h, fs/exec.c).
constexpr size_t kMaxArgStrlen = 32 * 4096;         // MAX_ARG_STRLEN: one string, with its NUL
constexpr u64 kMaxArgStrings = 0x7FFFFFFF;          // MAX_ARG_STRINGS: strings per vector
constexpr size_t kArgMax = 32 * 4096;               // ARG_MAX: the argument space is never smaller
constexpr size_t kMaxArgSpace = (8u << 20) / 4 * 3; // _STK_LIM / 4 * 3: ... nor larger

// The argument space for an RLIMIT_STACK soft limit (bprm_stack_limits): a quarter of
// it, within [ARG_MAX, 3/4 of 8 MiB]. The filename, every argv and envp string with its
// NUL, and one pointer per argv and envp entry must fit in it.
size_t arg_space(u64 stack_rlimit);

// Kernel copies of execve's argv and envp. The strings live in blocks owned by this
// object; argv may also point at kernel strings added by replace_arg0.
class ExecArgs {
public:
    ExecArgs() = default;
    ~ExecArgs();
    ExecArgs(const ExecArgs&) = delete;
    ExecArgs& operator=(const ExecArgs&) = delete;

    // Linux's order: counts argv and envp (EFAULT on a bad vector, E2BIG past
    // MAX_ARG_STRINGS), checks that their pointers leave room in the argument space
    // (E2BIG), then takes the filename, envp and argv strings (EFAULT; E2BIG for a
    // string longer than MAX_ARG_STRLEN or for one that does not fit). A null vector
    // is empty. ENOMEM.
    ErrorOr<void> copy_from_user(const char* filename, UserPtr<u64> uargv, UserPtr<u64> uenvp, u64 stack_rlimit);

    // binfmt_script: argv[0] gives way to the kernel strings `repl` (interpreter, its
    // optional argument, the script's path), which must outlive this object and fit in
    // the space left (E2BIG).
    ErrorOr<void> replace_arg0(const char* const* repl, size_t n);

    lv::Vector<const char*> argv, envp;

private:
    ErrorOr<void> charge(size_t bytes);
    ErrorOr<void> copy_vector(UserPtr<u64> uvec, size_t count, lv::Vector<const char*>& out);
    ErrorOr<const char*> copy_string(VirtAddr p);

    lv::Vector<char*> m_blocks; // kmalloc'd, kMaxArgStrlen bytes each
    size_t m_block_used = kMaxArgStrlen;
    size_t m_room = 0; // bytes of argument space left
};

// A user path copied into a kernel buffer of PATH_MAX (4096) bytes.
struct KernelPath {
    lv::OwnPtr<char> buf;
    size_t len = 0;
    const char* c_str() const { return buf.get(); }
};
// ENAMETOOLONG past PATH_MAX, EFAULT, ENOMEM.
ErrorOr<KernelPath> copy_path(UserPtr<const char> upath);
} // namespace kernel
