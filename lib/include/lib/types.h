// Fixed-width types for freestanding code. The compiler's own <stdint.h>/<stddef.h>
// are freestanding headers, so they are safe to use in the kernel and on the host.
#pragma once
#include <stddef.h>
#include <stdint.h>

using u8 = uint8_t;
using u16 = uint16_t;
using u32 = uint32_t;
using u64 = uint64_t;
using i8 = int8_t;
using i16 = int16_t;
using i32 = int32_t;
using i64 = int64_t;
using uptr = uintptr_t;
using usize = size_t;
using isize = ptrdiff_t;

using PhysAddr = u64;
using VirtAddr = u64;

template <typename T>
constexpr T align_down(T v, T a) { return v & ~(a - 1); }
template <typename T>
constexpr T align_up(T v, T a) { return (v + a - 1) & ~(a - 1); }
template <typename T>
constexpr T min(T a, T b) { return a < b ? a : b; }
template <typename T>
constexpr T max(T a, T b) { return a > b ? a : b; }

#define LV_NOINLINE __attribute__((noinline))
#define LV_PACKED __attribute__((packed))
#define LV_NORETURN [[noreturn]]
#define LV_UNUSED __attribute__((unused))
