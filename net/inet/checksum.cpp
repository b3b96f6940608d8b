#include <net/inet/checksum.h>

namespace net::inet {
u32 checksum_add(u32 sum, const void* data, size_t n) {
    const u8* p = static_cast<const u8*>(data);
    u64 s = sum;
    while (n >= 2) {
        s += u32(p[0]) << 8 | p[1];
        p += 2;
        n -= 2;
    }
    if (n) s += u32(p[0]) << 8;
    while (s >> 32) s = (s & 0xffffffff) + (s >> 32);
    return u32(s);
}

u16 checksum_finish(u32 sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return u16(~sum);
}

u32 pseudo_header_sum(u32 src, u32 dst, u8 protocol, u16 length) {
    u64 s = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + protocol + length;
    return u32(s);
}
} // namespace net::inet
