// Memory and C-string helpers. In the kernel these are the real implementations
// (lib/src/string.cpp, also what the compiler's implicit memcpy/memset calls reach);
// on the host they come from libc.
#pragma once
#include <lib/types.h>

extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
#ifndef LV_HOSTED // glibc's C++ header declares const-correct memchr overloads instead
void* memchr(const void* s, int c, size_t n);
#endif
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
}

namespace lv {
// Copies src into dst[cap], truncating, always NUL-terminated (cap > 0).
inline void copy_truncated(char* dst, size_t cap, const char* src) {
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = 0;
}

// The last component of a path ("/bin/sh" -> "sh", "/bin/" -> "bin/").
inline const char* basename(const char* path) {
    const char* b = path;
    for (const char* p = path; *p; p++)
        if (*p == '/' && p[1]) b = p + 1;
    return b;
}

// A non-owning view of characters; not NUL-terminated in general.
struct StringView {
    const char* data = nullptr;
    size_t size = 0;
    constexpr StringView() = default;
    constexpr StringView(const char* d, size_t n) : data(d), size(n) {}
    StringView(const char* s) : data(s), size(s ? strlen(s) : 0) {}
    bool operator==(StringView o) const { return size == o.size && memcmp(data, o.data, size) == 0; }
    bool empty() const { return size == 0; }
    char operator[](size_t i) const { return data[i]; }
    bool starts_with(StringView p) const { return size >= p.size && memcmp(data, p.data, p.size) == 0; }
    StringView substr(size_t pos, size_t n = ~size_t(0)) const {
        if (pos > size) pos = size;
        if (n > size - pos) n = size - pos;
        return {data + pos, n};
    }
};
} // namespace lv
