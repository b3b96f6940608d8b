// The generic half of user copies: range and region checks, then the arch's
// fault-tolerant copy. A zero-length copy touches nothing and always succeeds.
#include <arch/interface.h>
#include <kernel/process.h>
#include <kernel/sync/spinlock.h>
#include <mm/address_space.h>
#include <mm/user_ptr.h>

namespace mm {
namespace {
bool allowed(VirtAddr addr, size_t n, bool write) {
    if (!user_range_ok(addr, n)) return false;
    AddressSpace* as = kernel::current_process().as().get();
    return as && as->accessible(addr, n, write);
}
} // namespace

bool user_range_ok(VirtAddr addr, size_t n) {
    VirtAddr end;
    if (__builtin_add_overflow(addr, n, &end)) return false;
    return end <= arch::kUserTop;
}

ErrorOr<void> copy_from_user(void* dst, VirtAddr src, size_t n) {
    if (n == 0) return {};
    kernel::assert_no_spinlock("a user copy");
    if (!allowed(src, n, false)) return Errno::EFAULT;
    if (!arch::copy_from_user(dst, reinterpret_cast<const void*>(src), n)) return Errno::EFAULT;
    return {};
}

ErrorOr<void> copy_from_user_nofault(void* dst, VirtAddr src, size_t n) {
    if (n == 0) return {};
    if (!allowed(src, n, false)) return Errno::EFAULT;
    kernel::Thread& t = kernel::current_thread();
    t.own().pagefault_disabled++;
    bool ok = arch::copy_from_user(dst, reinterpret_cast<const void*>(src), n);
    t.own().pagefault_disabled--;
    return ok ? ErrorOr<void> {} : ErrorOr<void> {Errno::EFAULT};
}

ErrorOr<void> copy_to_user(VirtAddr dst, const void* src, size_t n) {
    if (n == 0) return {};
    kernel::assert_no_spinlock("a user copy");
    if (!allowed(dst, n, true)) return Errno::EFAULT;
    if (!arch::copy_to_user(reinterpret_cast<void*>(dst), src, n)) return Errno::EFAULT;
    return {};
}

ErrorOr<void> clear_user(VirtAddr dst, size_t n) {
    if (n == 0) return {};
    kernel::assert_no_spinlock("a user copy");
    if (!allowed(dst, n, true)) return Errno::EFAULT;
    if (!arch::clear_user(reinterpret_cast<void*>(dst), n)) return Errno::EFAULT;
    return {};
}

ErrorOr<size_t> copy_string_from_user(char* dst, VirtAddr src, size_t max) {
    if (max == 0) return Errno::ENAMETOOLONG;
    kernel::assert_no_spinlock("a user copy");
    // The string may end before the end of its region: check only the first byte's
    // region up front, and clamp the copy to what is accessible.
    if (!user_range_ok(src, 1)) return Errno::EFAULT;
    AddressSpace* as = kernel::current_process().as().get();
    size_t limit = max;
    if (!user_range_ok(src, limit)) limit = arch::kUserTop - src;
    // Shrink the window to readable memory, a page at a time.
    size_t ok = 0;
    while (ok < limit) {
        VirtAddr page_end = align_down<u64>(src + ok, arch::kPageSize) + arch::kPageSize;
        size_t chunk = min<size_t>(limit - ok, page_end - (src + ok));
        if (!as || !as->accessible(src + ok, chunk, false)) break;
        ok += chunk;
    }
    if (ok == 0) return Errno::EFAULT;
    isize len = arch::strncpy_from_user(dst, reinterpret_cast<const char*>(src), ok);
    if (len < 0) return Errno::EFAULT;
    if (size_t(len) >= ok) return ok < max ? Errno::EFAULT : Errno::ENAMETOOLONG;
    return size_t(len);
}
} // namespace mm
