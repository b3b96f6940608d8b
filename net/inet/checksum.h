// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum
// of 16-bit big-endian words. Partial sums chain: sum a pseudo-header, then the
// segment, then fold.
#pragma once
#include <lib/types.h>

namespace net::inet {
// Adds bytes to a running 32-bit sum. An odd length pads with a zero byte, so only
// the last piece of a chain may be odd.
u32 checksum_add(u32 sum, const void* data, size_t n);
// Folds the carries and complements: the value stored in the header field.
u16 checksum_finish(u32 sum);
inline u16 checksum(const void* data, size_t n) { return checksum_finish(checksum_add(0, data, n)); }
// The TCP/UDP pseudo-header sum (RFC 793, RFC 768), addresses in host order.
u32 pseudo_header_sum(u32 src, u32 dst, u8 protocol, u16 length);
} // namespace net::inet
