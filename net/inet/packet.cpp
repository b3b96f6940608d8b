#include <lib/alloc.h>
#include <lib/string.h>
#include <net/inet/packet.h>

namespace net::inet {
// The bytes follow the struct in the same allocation, so lv::destroy frees both.
Packet* make_raw_packet(size_t size, size_t headroom) {
    size_t cap = headroom + size;
    void* mem = kmalloc(sizeof(Packet) + cap);
    if (!mem) return nullptr;
    auto* p = new (mem) Packet();
    p->m_buf = reinterpret_cast<u8*>(p + 1);
    p->m_cap = cap;
    p->m_head = headroom;
    return p;
}

lv::OwnPtr<Packet> Packet::make(size_t size, size_t headroom) {
    return lv::OwnPtr<Packet>(make_raw_packet(size, headroom));
}

lv::OwnPtr<Packet> Packet::copy_of(const void* bytes, size_t n, size_t headroom) {
    lv::OwnPtr<Packet> p = make(n, headroom);
    if (p) memcpy(p->put(n), bytes, n);
    return p;
}

void drain(PacketQueue& q) {
    while (Packet* p = q.pop_front()) lv::destroy(p);
}
} // namespace net::inet
