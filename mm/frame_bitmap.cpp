#include <mm/phys.h>

namespace mm {
void FrameBitmap::init(PhysAddr base, u64 frames, u64* bits) {
    m_base = base;
    m_frames = frames;
    m_bits = bits;
    m_free = 0;
    m_hint = 0;
    for (u64 i = 0; i < (frames + 63) / 64; i++) m_bits[i] = ~0ull;
}

void FrameBitmap::mark_free(PhysAddr addr, u64 count) {
    if (addr < m_base) return;
    u64 first = (addr - m_base) / kPageSize;
    for (u64 i = first; i < first + count && i < m_frames; i++) {
        // Frame 0 is never handed out: 0 means "no frame" to every caller.
        if (m_base + i * kPageSize == 0) continue;
        if (test(i)) { clear(i); m_free++; }
    }
    if (first / 64 < m_hint) m_hint = first / 64;
}

void FrameBitmap::mark_used(PhysAddr addr, u64 count) {
    if (addr < m_base) return;
    u64 first = (addr - m_base) / kPageSize;
    for (u64 i = first; i < first + count && i < m_frames; i++) {
        if (!test(i)) { set(i); m_free--; }
    }
}

PhysAddr FrameBitmap::alloc(u64 count) {
    if (count == 0 || count > m_free) return 0;
    u64 words = (m_frames + 63) / 64;
    if (count == 1) {
        for (u64 w = m_hint; w < words; w++) {
            if (m_bits[w] == ~0ull) continue;
            u64 i = w * 64 + u64(__builtin_ctzll(~m_bits[w]));
            if (i >= m_frames) break;
            set(i);
            m_free--;
            m_hint = w;
            return m_base + i * kPageSize;
        }
        return 0;
    }
    // First fit for a run; contiguous requests are rare (kernel stacks, big buffers).
    u64 run = 0;
    for (u64 i = m_hint * 64; i < m_frames; i++) {
        if ((i % 64) == 0 && run == 0 && m_bits[i / 64] == ~0ull) { i += 63; continue; }
        if (test(i)) { run = 0; continue; }
        if (++run == count) {
            u64 first = i + 1 - count;
            for (u64 j = first; j <= i; j++) set(j);
            m_free -= count;
            return m_base + first * kPageSize;
        }
    }
    return 0;
}

bool FrameBitmap::free(PhysAddr addr, u64 count) {
    if (addr < m_base) return false;
    u64 first = (addr - m_base) / kPageSize;
    bool ok = true;
    for (u64 i = first; i < first + count && i < m_frames; i++) {
        if (!test(i)) { ok = false; continue; }
        clear(i);
        m_free++;
    }
    if (first / 64 < m_hint) m_hint = first / 64;
    return ok;
}

bool FrameBitmap::is_free(PhysAddr addr) const {
    if (addr < m_base) return false;
    u64 i = (addr - m_base) / kPageSize;
    return i < m_frames && !test(i);
}
} // namespace mm
