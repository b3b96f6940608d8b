#include <lib/alloc.h>
#include <lib/string.h>
#include <net/inet/tcp_reassembly.h>
#include <net/inet/tcp_seq.h>

namespace net::inet {
TcpReassembly::Chunk* TcpReassembly::make_chunk(u32 seq, const u8* data, size_t len) {
    void* mem = kmalloc(sizeof(Chunk) + len);
    if (!mem) return nullptr;
    auto* c = new (mem) Chunk();
    c->seq = seq;
    c->len = u32(len);
    memcpy(c->data(), data, len);
    m_bytes += len;
    return c;
}

bool TcpReassembly::insert(u32 seq, const u8* data, size_t len) {
    u32 cur = seq, end = seq + u32(len);
    // Fill only the holes between the chunks kept already.
    for (Chunk& c : m_chunks) {
        u32 c_end = c.seq + c.len;
        if (seq_le(c_end, cur)) continue;
        if (seq_ge(c.seq, end)) break;
        if (seq_lt(cur, c.seq)) {
            Chunk* piece = make_chunk(cur, data + (cur - seq), c.seq - cur);
            if (!piece) return false;
            m_chunks.insert_before(c, *piece);
        }
        cur = c_end;
        if (seq_ge(cur, end)) return true;
    }
    if (seq_ge(cur, end)) return true;
    Chunk* piece = make_chunk(cur, data + (cur - seq), end - cur);
    if (!piece) return false;
    // After every chunk that starts before it.
    Chunk* after = nullptr;
    for (Chunk& c : m_chunks)
        if (seq_gt(c.seq, cur)) {
            after = &c;
            break;
        }
    if (after) m_chunks.insert_before(*after, *piece);
    else m_chunks.push_back(*piece);
    return true;
}

size_t TcpReassembly::drain_into(u32& rcv_nxt, ByteRing& ring) {
    size_t moved = 0;
    while (Chunk* c = m_chunks.first()) {
        if (seq_gt(c->seq, rcv_nxt)) break; // still a gap before it
        u32 c_end = c->seq + c->len;
        if (seq_gt(c_end, rcv_nxt)) {
            u32 off = rcv_nxt - c->seq;
            size_t n = min(size_t(c_end - rcv_nxt), ring.space());
            ring.append(c->data() + off, n);
            rcv_nxt += u32(n);
            moved += n;
            if (rcv_nxt != c_end) break; // the ring is full; the rest stays
        }
        m_chunks.remove(*c);
        m_bytes -= c->len;
        lv::destroy(c);
    }
    return moved;
}

void TcpReassembly::clear() {
    while (Chunk* c = m_chunks.pop_front()) lv::destroy(c);
    m_bytes = 0;
}
} // namespace net::inet
