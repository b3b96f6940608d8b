#include <kernel/user_strings.h>
#include <lib/alloc.h>

namespace kernel {
ErrorOr<void> copy_string_vector(UserPtr<u64> uvec, StringVector& out) {
    if (uvec.is_null()) return {};
    if (!out.space) {
        out.space.reset(static_cast<char*>(kmalloc(StringVector::kSpace)));
        if (!out.space) return Errno::ENOMEM;
    }
    for (size_t i = 0;; i++) {
        u64 p = TRY(uvec.offset(i).read());
        if (!p) return {};
        if (out.count == StringVector::kMaxItems - 1 || out.used >= StringVector::kSpace) return Errno::E2BIG;
        char* dst = out.space.get() + out.used;
        auto len = mm::copy_string_from_user(dst, p, StringVector::kSpace - out.used);
        if (len.is_error()) return len.error() == Errno::ENAMETOOLONG ? Errno::E2BIG : len.error();
        out.items[out.count++] = dst;
        out.used += len.value() + 1;
    }
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
