// printf-style formatting into a sink, for the kernel log, panic and /proc text.
// Supports %d %i %u %x %X %o %p %s %c %% with flags '-', '0', '#' (0x prefix), width, precision
// (for %s), and the length modifiers l, ll, z. Compile-time checked via the format attribute.
#pragma once
#include <lib/types.h>
#include <stdarg.h>

namespace lv {
using PutChar = void (*)(void* ctx, char c);

size_t vformat(PutChar put, void* ctx, const char* fmt, va_list ap);
size_t format(PutChar put, void* ctx, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// snprintf semantics: always NUL-terminates when size > 0; returns the length that
// would have been written.
size_t vsnprintf(char* buf, size_t size, const char* fmt, va_list ap);
size_t snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
} // namespace lv
