// Opaque user pointers. A UserPtr<T> cannot be dereferenced: the only way to touch
// the memory behind it is a copy that validates the range (below arch::kUserTop, no
// wrap-around) and survives a fault, returning EFAULT. Validation happens when the
// memory is touched, not at syscall entry, as Linux does: read(fd, NULL, 0) is fine.
#pragma once
#include <lib/result.h>
#include <lib/types.h>

namespace mm {
[[nodiscard]] bool user_range_ok(VirtAddr addr, size_t n);
ErrorOr<void> copy_from_user(void* dst, VirtAddr src, size_t n);
// Without resolving page faults (EFAULT for a page not present yet), so that it may run
// with a spinlock held; the caller faults the page in without the lock and retries
// (Linux's get_futex_value_locked).
ErrorOr<void> copy_from_user_nofault(void* dst, VirtAddr src, size_t n);
ErrorOr<void> copy_to_user(VirtAddr dst, const void* src, size_t n);
ErrorOr<void> clear_user(VirtAddr dst, size_t n);
// Copies a NUL-terminated string into dst[max]. Returns its length; ENAMETOOLONG if
// no NUL within max bytes (dst then holds no terminator); EFAULT on a bad address.
ErrorOr<size_t> copy_string_from_user(char* dst, VirtAddr src, size_t max);
} // namespace mm

template <typename T>
class UserPtr {
public:
    constexpr UserPtr() = default;
    constexpr explicit UserPtr(u64 raw) : m_addr(raw) {}
    template <typename U>
    static UserPtr from(UserPtr<U> p) { return UserPtr(p.addr()); }

    VirtAddr addr() const { return m_addr; }
    bool is_null() const { return m_addr == 0; }
    // Element offset, like pointer arithmetic (bytes for void).
    UserPtr offset(size_t n) const { return UserPtr(m_addr + n * elem_size()); }

    template <typename U = T>
    ErrorOr<U> read() const requires(__is_trivially_copyable(U)) {
        U v;
        TRY(mm::copy_from_user(&v, m_addr, sizeof(U)));
        return v;
    }
    template <typename U = T>
    ErrorOr<void> write(const U& v) const requires(__is_trivially_copyable(U)) {
        return mm::copy_to_user(m_addr, &v, sizeof(U));
    }
    // Array copies; count * sizeof(T) is overflow-checked.
    ErrorOr<void> read_array(T* dst, size_t count) const {
        size_t bytes;
        if (__builtin_mul_overflow(count, elem_size(), &bytes)) return Errno::EFAULT;
        return mm::copy_from_user(dst, m_addr, bytes);
    }
    ErrorOr<void> write_array(const T* src, size_t count) const {
        size_t bytes;
        if (__builtin_mul_overflow(count, elem_size(), &bytes)) return Errno::EFAULT;
        return mm::copy_to_user(m_addr, src, bytes);
    }

private:
    static constexpr size_t elem_size() {
        if constexpr (__is_same(T, void) || __is_same(T, const void)) return 1;
        else return sizeof(T);
    }
    VirtAddr m_addr = 0;
};
