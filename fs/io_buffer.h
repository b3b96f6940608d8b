// A buffer that is either in user memory (syscalls) or in the kernel (the ELF loader,
// initramfs, sendfile), so that one read/write path serves both. SerenityOS calls this
// UserOrKernelBuffer. Copies into user memory may fault and return EFAULT.
#pragma once
#include <lib/result.h>
#include <lib/string.h>
#include <mm/user_ptr.h>

namespace fs {
class IoBuffer {
public:
    static IoBuffer user(VirtAddr addr) { return IoBuffer(addr, true); }
    static IoBuffer kernel(void* p) { return IoBuffer(reinterpret_cast<uptr>(p), false); }
    static IoBuffer kernel(const void* p) { return IoBuffer(reinterpret_cast<uptr>(p), false); }

    bool is_user() const { return m_user; }
    IoBuffer offset(size_t n) const { return IoBuffer(m_addr + n, m_user); }

    // buffer[off, off+n) -> dst
    ErrorOr<void> read(size_t off, void* dst, size_t n) const {
        if (m_user) return mm::copy_from_user(dst, m_addr + off, n);
        memcpy(dst, reinterpret_cast<const void*>(m_addr + off), n);
        return {};
    }
    // src -> buffer[off, off+n)
    ErrorOr<void> write(size_t off, const void* src, size_t n) const {
        if (m_user) return mm::copy_to_user(m_addr + off, src, n);
        memcpy(reinterpret_cast<void*>(m_addr + off), src, n);
        return {};
    }
    ErrorOr<void> zero(size_t off, size_t n) const {
        if (m_user) return mm::clear_user(m_addr + off, n);
        memset(reinterpret_cast<void*>(m_addr + off), 0, n);
        return {};
    }

private:
    IoBuffer(uptr addr, bool user) : m_addr(addr), m_user(user) {}
    uptr m_addr;
    bool m_user;
};
} // namespace fs
