// The arch user-copy entry points, over the assembly in mm/usercopy.S.
#include <arch/interface.h>

extern "C" bool x86_copy_user(void* dst, const void* src, size_t n);
extern "C" bool x86_clear_user(void* dst, size_t n);
extern "C" isize x86_strncpy_from_user(char* dst, const char* src, size_t max);

namespace arch {
bool copy_from_user(void* dst, const void* user_src, size_t n) { return x86_copy_user(dst, user_src, n); }
bool copy_to_user(void* user_dst, const void* src, size_t n) { return x86_copy_user(user_dst, src, n); }
bool clear_user(void* user_dst, size_t n) { return x86_clear_user(user_dst, n); }
isize strncpy_from_user(char* dst, const char* user_src, size_t max) {
    return x86_strncpy_from_user(dst, user_src, max);
}
} // namespace arch
