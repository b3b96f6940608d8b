// TCP's out-of-order queue: data that arrives beyond a gap is kept (within the window)
// until the gap fills, so that one lost segment costs one retransmission rather than
// everything sent after it (RFC 9293 3.10.7.4).
#pragma once
#include <lib/list.h>
#include <net/inet/ring.h>

namespace net::inet {
class TcpReassembly {
public:
    TcpReassembly() = default;
    TcpReassembly(const TcpReassembly&) = delete;
    TcpReassembly& operator=(const TcpReassembly&) = delete;
    ~TcpReassembly() { clear(); }

    // Keeps [seq, seq + len), apart from what is kept already. False if memory ran out
    // (the data is then simply not kept: the peer sends it again).
    bool insert(u32 seq, const u8* data, size_t len);
    // Appends what now follows rcv_nxt to `ring` (as far as it has room), advancing
    // rcv_nxt; returns how many bytes moved.
    size_t drain_into(u32& rcv_nxt, ByteRing& ring);
    bool empty() const { return m_chunks.empty(); }
    size_t bytes() const { return m_bytes; }
    void clear();

private:
    struct Chunk {
        lv::ListNode node;
        u32 seq;
        u32 len;
        u8* data() { return reinterpret_cast<u8*>(this + 1); }
    };
    Chunk* make_chunk(u32 seq, const u8* data, size_t len);
    lv::IntrusiveList<Chunk, &Chunk::node> m_chunks; // sorted by sequence, disjoint
    size_t m_bytes = 0;
};
} // namespace net::inet
