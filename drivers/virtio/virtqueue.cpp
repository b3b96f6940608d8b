// Split virtqueues; see virtqueue.h.
#include <arch/interface.h>
#include <drivers/virtio/virtqueue.h>
#include <lib/alloc.h>
#include <lib/string.h>
#include <mm/phys.h>

namespace drivers::virtio {
namespace {
// The device sees these through plain loads and stores; volatile access keeps the
// compiler from caching or merging them, arch::io_barrier() orders them.
template <typename T>
T load(const T& v) { return *static_cast<const volatile T*>(&v); }
template <typename T>
void store(T& v, T x) { *static_cast<volatile T*>(&v) = x; }
} // namespace

ErrorOr<Virtqueue*> Virtqueue::create(Transport& t, u16 index, u16 want) {
    u16 max = t.queue_max_size(index);
    if (!max) return Errno::ENOENT;
    u16 size = 1;
    while (u32(size) * 2 <= min(max, want)) size = u16(size * 2);
    auto* q = lv::make<Virtqueue>(t, index);
    if (!q) return Errno::ENOMEM;
    // Layout: descriptors, then the available ring, then (page-aligned) the used ring.
    u64 desc_bytes = 16ull * size, avail_bytes = 6 + 2ull * size, used_bytes = 6 + 8ull * size;
    u64 used_off = align_up(desc_bytes + avail_bytes, mm::kPageSize);
    q->m_frame_count = (used_off + used_bytes + mm::kPageSize - 1) / mm::kPageSize;
    q->m_frames = mm::alloc_frames(q->m_frame_count);
    q->m_tokens = static_cast<void**>(kzalloc(sizeof(void*) * size));
    if (!q->m_frames || !q->m_tokens) {
        lv::destroy(q);
        return Errno::ENOMEM;
    }
    auto* base = static_cast<u8*>(mm::phys_to_virt(q->m_frames));
    memset(base, 0, q->m_frame_count * mm::kPageSize);
    q->m_size = size;
    q->m_desc = reinterpret_cast<Desc*>(base);
    q->m_avail = reinterpret_cast<Avail*>(base + desc_bytes);
    q->m_used = reinterpret_cast<Used*>(base + used_off);
    for (u16 i = 0; i < size; i++) q->m_desc[i].next = u16(i + 1);
    q->m_free_head = 0;
    q->m_free_count = size;
    auto r = t.enable_queue(index, size, q->m_frames, q->m_frames + desc_bytes, q->m_frames + used_off);
    if (r.is_error()) {
        lv::destroy(q);
        return r.error();
    }
    return q;
}

Virtqueue::~Virtqueue() {
    if (m_frames) mm::free_frames(m_frames, m_frame_count);
    kfree(m_tokens);
}

bool Virtqueue::add(const Segment* segs, size_t n, void* token) {
    if (n == 0 || n > m_free_count) return false;
    u16 head = m_free_head, d = head;
    for (size_t i = 0; i < n; i++) {
        Desc& desc = m_desc[d];
        desc.addr = segs[i].addr;
        desc.len = segs[i].len;
        desc.flags = u16((segs[i].device_writes ? kDescWrite : 0) | (i + 1 < n ? kDescNext : 0));
        if (i + 1 < n) d = desc.next;
    }
    m_free_head = m_desc[d].next; // the free list continues after the chain's last one
    m_free_count = u16(m_free_count - n);
    m_tokens[head] = token;
    m_avail->ring[m_avail_idx % m_size] = head;
    m_avail_idx++;
    return true;
}

void Virtqueue::kick() {
    // The ring entries must be visible before the index that publishes them (2.7.13),
    // and the index before the notification.
    arch::io_barrier();
    store(m_avail->idx, m_avail_idx);
    arch::io_barrier();
    // FIXME: VIRTIO_F_EVENT_IDX / VIRTQ_USED_F_NO_NOTIFY would save notifications.
    m_transport.notify(m_index);
}

bool Virtqueue::pop(void*& token, u32& written) {
    if (load(m_used->idx) == m_last_used) return false;
    arch::io_barrier(); // read the entry only after seeing the index that covers it
    UsedElem e = m_used->ring[m_last_used % m_size];
    m_last_used++;
    u16 head = u16(e.id);
    if (head >= m_size) return false; // a broken device; nothing sane to free
    token = m_tokens[head];
    m_tokens[head] = nullptr;
    written = e.len;
    // Give the chain back to the free list.
    u16 d = head, n = 1;
    while (m_desc[d].flags & kDescNext) {
        d = m_desc[d].next;
        n++;
    }
    m_desc[d].next = m_free_head;
    m_free_head = head;
    m_free_count = u16(m_free_count + n);
    return true;
}
} // namespace drivers::virtio
