// TCP sequence number comparisons modulo 2^32 (RFC 793 3.3).
#pragma once
#include <lib/types.h>

namespace net::inet {
inline bool seq_lt(u32 a, u32 b) { return i32(a - b) < 0; }
inline bool seq_le(u32 a, u32 b) { return i32(a - b) <= 0; }
inline bool seq_gt(u32 a, u32 b) { return i32(a - b) > 0; }
inline bool seq_ge(u32 a, u32 b) { return i32(a - b) >= 0; }
} // namespace net::inet
