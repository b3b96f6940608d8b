#include <arch/interface.h>
#include <kernel/user_strings.h>
#include <lib/alloc.h>
#include <lib/string.h>

namespace kernel {
namespace {
// Reads a user vector of pointers, a page's worth at a time: an entry readable means the
// rest of its page is too.
class VectorReader {
public:
    explicit VectorReader(UserPtr<u64> v) : m_base(v.addr()) {}
    ErrorOr<u64> get(size_t i) {
        if (i < m_first || i >= m_first + m_count) {
            VirtAddr a = m_base + i * 8;
            if (a < m_base) return Errno::EFAULT; // wrapped around
            size_t in_page = (align_down<u64>(a, arch::kPageSize) + arch::kPageSize - a) / 8;
            size_t n = min<size_t>(kBatch, max<size_t>(in_page, 1));
            TRY(UserPtr<u64>(a).read_array(m_buf, n));
            m_first = i;
            m_count = n;
        }
        return m_buf[i - m_first];
    }

private:
    static constexpr size_t kBatch = 64;
    VirtAddr m_base;
    u64 m_buf[kBatch];
    size_t m_first = 0, m_count = 0;
};

// Entries before the null one (Linux's count()). E2BIG at `cap` entries: callers pass
// the first count that could not fit.
ErrorOr<size_t> count_vector(UserPtr<u64> uvec, size_t cap) {
    if (uvec.is_null()) return 0;
    VectorReader r(uvec);
    for (size_t n = 0;; n++) {
        if (!TRY(r.get(n))) return n;
        if (n + 1 >= cap || n + 1 > kMaxArgStrings) return Errno::E2BIG;
    }
}
} // namespace

size_t arg_space(u64 stack_rlimit) {
    size_t limit = min<u64>(kMaxArgSpace, stack_rlimit / 4);
    return max(limit, kArgMax);
}

ExecArgs::~ExecArgs() {
    for (char* b : m_blocks) kfree(b);
    m_blocks.clear_and_free();
}

ErrorOr<void> ExecArgs::charge(size_t bytes) {
    if (bytes > m_room) return Errno::E2BIG;
    m_room -= bytes;
    return {};
}

ErrorOr<const char*> ExecArgs::copy_string(VirtAddr p) {
    if (!p) return Errno::EFAULT;
    for (;;) {
        // A string goes whole into one block; a fresh block holds any that is allowed.
        size_t room = kMaxArgStrlen - m_block_used;
        if (room) {
            char* dst = m_blocks.last() + m_block_used;
            auto len = mm::copy_string_from_user(dst, p, room);
            if (!len.is_error()) {
                TRY(charge(len.value() + 1));
                m_block_used += len.value() + 1;
                return dst;
            }
            if (len.error() != Errno::ENAMETOOLONG) return len.error();
            if (room == kMaxArgStrlen) return Errno::E2BIG; // longer than MAX_ARG_STRLEN
        }
        char* b = static_cast<char*>(kmalloc(kMaxArgStrlen));
        if (!b) return Errno::ENOMEM;
        if (!m_blocks.try_append(b)) {
            kfree(b);
            return Errno::ENOMEM;
        }
        m_block_used = 0;
    }
}

ErrorOr<void> ExecArgs::copy_vector(UserPtr<u64> uvec, size_t count, lv::Vector<const char*>& out) {
    if (!out.try_reserve(out.size() + count)) return Errno::ENOMEM;
    VectorReader r(uvec);
    for (size_t i = 0; i < count; i++) {
        const char* s = TRY(copy_string(TRY(r.get(i))));
        (void)out.try_append(s); // reserved
    }
    return {};
}

ErrorOr<void> ExecArgs::copy_from_user(const char* filename, UserPtr<u64> uargv, UserPtr<u64> uenvp,
                                       u64 stack_rlimit) {
    m_room = arg_space(stack_rlimit);
    // n pointers fit only if n * 8 < the space.
    size_t cap = (m_room + 7) / 8;
    size_t argc = TRY(count_vector(uargv, cap));
    size_t envc = TRY(count_vector(uenvp, cap - max<size_t>(argc, 1)));
    // argc 0 gets an empty argv[0] below: its pointer counts already.
    size_t ptrs = (max<size_t>(argc, 1) + envc) * sizeof(u64);
    if (m_room <= ptrs) return Errno::E2BIG;
    m_room -= ptrs;
    TRY(charge(strlen(filename) + 1));
    TRY(copy_vector(uenvp, envc, envp));
    TRY(copy_vector(uargv, argc, argv));
    if (argv.empty()) {
        // Linux 5.18+: no program starts with argc 0 (argv[1] would be envp[0]).
        TRY(charge(1));
        if (!argv.try_append("")) return Errno::ENOMEM;
    }
    return {};
}

ErrorOr<void> ExecArgs::replace_arg0(const char* const* repl, size_t n) {
    // Linux's remove_arg_zero gives argv[0]'s bytes back; the new strings take theirs.
    if (!argv.empty()) m_room += strlen(argv[0]) + 1;
    for (size_t i = 0; i < n; i++) TRY(charge(strlen(repl[i]) + 1));
    lv::Vector<const char*> v;
    size_t keep = argv.empty() ? 0 : argv.size() - 1;
    if (!v.try_reserve(n + keep)) return Errno::ENOMEM;
    for (size_t i = 0; i < n; i++) (void)v.try_append(repl[i]);
    for (size_t i = 0; i < keep; i++) (void)v.try_append(argv[i + 1]);
    argv = lv::move(v);
    return {};
}

ErrorOr<KernelPath> copy_path(UserPtr<const char> upath) {
    constexpr size_t kPathMax = 4096;
    KernelPath p;
    p.buf.reset(static_cast<char*>(kmalloc(kPathMax)));
    if (!p.buf) return Errno::ENOMEM;
    p.len = TRY(mm::copy_string_from_user(p.buf.get(), upath.addr(), kPathMax));
    return p;
}
} // namespace kernel
