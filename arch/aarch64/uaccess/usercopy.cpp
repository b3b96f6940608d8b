// arch/interface.h user-memory entry points over uaccess/usercopy.S.
#include <arch/interface.h>

extern "C" {
bool aarch64_copy_from_user(void* dst, const void* user_src, size_t n);
bool aarch64_copy_to_user(void* user_dst, const void* src, size_t n);
bool aarch64_clear_user(void* user_dst, size_t n);
isize aarch64_strncpy_from_user(char* dst, const char* user_src, size_t max);
}

namespace arch {
bool copy_from_user(void* dst, const void* user_src, size_t n) { return aarch64_copy_from_user(dst, user_src, n); }
bool copy_to_user(void* user_dst, const void* src, size_t n) { return aarch64_copy_to_user(user_dst, src, n); }
bool clear_user(void* user_dst, size_t n) { return aarch64_clear_user(user_dst, n); }
isize strncpy_from_user(char* dst, const char* user_src, size_t max) {
    return aarch64_strncpy_from_user(dst, user_src, max);
}
} // namespace arch
