// The physical frame allocator: one bit per 4 KiB frame of RAM, built from the boot
// memory map. Single frames are the common case (page tables, user pages, file data);
// contiguous runs serve kernel stacks and large heap blocks.
#pragma once
#include <arch/config.h>
#include <lib/types.h>

namespace mm {
constexpr u64 kPageSize = arch::kPageSize;

// A bitmap over [base, base + frames * 4096). Pure logic, host-tested; the kernel has
// one, spanning the lowest to the highest usable address.
class FrameBitmap {
public:
    // `bits` must hold frames bits; all frames start used.
    void init(PhysAddr base, u64 frames, u64* bits);
    void mark_free(PhysAddr addr, u64 count);
    void mark_used(PhysAddr addr, u64 count);
    // Returns 0 on failure (frame 0 is never handed out: callers treat 0 as "none").
    PhysAddr alloc(u64 count = 1);
    // Returns false if some frame was already free (a double free; nothing is corrupted).
    [[nodiscard]] bool free(PhysAddr addr, u64 count = 1);
    bool is_free(PhysAddr addr) const;
    u64 free_frames() const { return m_free; }
    u64 total_frames() const { return m_frames; }

private:
    bool test(u64 i) const { return m_bits[i / 64] & (1ull << (i % 64)); }
    void set(u64 i) { m_bits[i / 64] |= 1ull << (i % 64); }
    void clear(u64 i) { m_bits[i / 64] &= ~(1ull << (i % 64)); }
    PhysAddr m_base = 0;
    u64 m_frames = 0;
    u64* m_bits = nullptr;
    u64 m_free = 0;
    u64 m_hint = 0; // first word that may hold a free frame
};

struct PhysRange {
    PhysAddr base;
    u64 length;
};

// Kernel-wide allocator (mm/phys.cpp). Zeroed variants clear through the direct map.
// `later` is RAM in use now but freed later (the initrd): the bitmap covers it too.
void phys_init(const PhysRange* ranges, size_t count, PhysRange later);
PhysAddr alloc_frame();        // 0 when out of memory
PhysAddr alloc_zeroed_frame(); // 0 when out of memory
PhysAddr alloc_frames(u64 count);
// Drops one reference to a frame (see share_frame); the last one frees it.
void free_frame(PhysAddr pa);
// One more user of a frame allocated with alloc_frame (an address space mapping it).
void share_frame(PhysAddr pa);
u32 frame_refcount(PhysAddr pa);
// Adds RAM that was reserved at boot (the initrd) to the allocator.
void free_frames_range(PhysAddr pa, u64 count);
void free_frames(PhysAddr pa, u64 count); // contiguous runs: never shared
u64 free_memory_bytes();
u64 total_memory_bytes();

inline void* phys_to_virt(PhysAddr pa) { return reinterpret_cast<void*>(pa + arch::kDirectMapBase); }
inline PhysAddr virt_to_phys(const void* direct_mapped) {
    return reinterpret_cast<uptr>(direct_mapped) - arch::kDirectMapBase;
}
} // namespace mm
