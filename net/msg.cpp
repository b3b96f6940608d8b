#include <net/msg.h>

namespace net {
// Runs op(IoBuffer, offset in it, n) over the pieces of [off, off+n).
template <typename Op>
ErrorOr<void> MsgData::walk(size_t off, size_t n, Op op) const {
    if (!m_segs) return op(m_single, off, n, 0);
    size_t done = 0;
    for (size_t i = 0; i < m_count && done < n; i++) {
        size_t seg_len = size_t(m_segs[i].len);
        if (off >= seg_len) {
            off -= seg_len;
            continue;
        }
        size_t chunk = min(seg_len - off, n - done);
        TRY(op(fs::IoBuffer::user(m_segs[i].base), off, chunk, done));
        done += chunk;
        off = 0;
    }
    return {};
}

ErrorOr<void> MsgData::copy_in(size_t off, void* dst, size_t n) const {
    auto* d = static_cast<u8*>(dst);
    return walk(off, n, [d](const fs::IoBuffer& b, size_t at, size_t len, size_t done) {
        return b.read(at, d + done, len);
    });
}

ErrorOr<void> MsgData::copy_out(size_t off, const void* src, size_t n) const {
    auto* s = static_cast<const u8*>(src);
    return walk(off, n, [s](const fs::IoBuffer& b, size_t at, size_t len, size_t done) {
        return b.write(at, s + done, len);
    });
}
} // namespace net
