// Freestanding implementations. Kept simple: the compiler turns the loops into
// reasonable code at -O2, and -fno-builtin on this file stops it from turning them
// back into calls to themselves.
#include <lib/string.h>

extern "C" {
void* memcpy(void* dst, const void* src, size_t n) {
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    while (n >= 8) {
        u64 v;
        __builtin_memcpy(&v, s, 8);
        __builtin_memcpy(d, &v, 8);
        d += 8; s += 8; n -= 8;
    }
    while (n--) *d++ = *s++;
    return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    if (d == s || n == 0) return dst;
    if (d < s || d >= s + n) return memcpy(dst, src, n);
    d += n; s += n;
    while (n--) *--d = *--s;
    return dst;
}

void* memset(void* dst, int c, size_t n) {
    auto* d = static_cast<u8*>(dst);
    u64 v = u8(c) * 0x0101010101010101ull;
    while (n >= 8) { __builtin_memcpy(d, &v, 8); d += 8; n -= 8; }
    while (n--) *d++ = u8(c);
    return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const u8*>(a);
    auto* y = static_cast<const u8*>(b);
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

void* memchr(const void* s, int c, size_t n) {
    auto* p = static_cast<const u8*>(s);
    for (size_t i = 0; i < n; i++)
        if (p[i] == u8(c)) return const_cast<u8*>(p + i);
    return nullptr;
}

size_t strlen(const char* s) { size_t n = 0; while (s[n]) n++; return n; }
size_t strnlen(const char* s, size_t max) { size_t n = 0; while (n < max && s[n]) n++; return n; }
int strcmp(const char* a, const char* b) {
    while (*a && *a == *b) { a++; b++; }
    return u8(*a) - u8(*b);
}
int strncmp(const char* a, const char* b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i]) return u8(a[i]) - u8(b[i]);
    }
    return 0;
}
}
