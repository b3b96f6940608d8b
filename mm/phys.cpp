// The kernel's frame allocator: one FrameBitmap spanning all usable RAM. Its bitmap is
// carved out of the first usable range large enough, before any other allocator exists.
#include <kernel/lock.h>
#include <kernel/log.h>
#include <lib/string.h>
#include <mm/phys.h>

namespace mm {
namespace {
FrameBitmap g_frames;
u64 g_total_bytes = 0;
} // namespace

void phys_init(const PhysRange* ranges, size_t count, PhysRange later) {
    PhysAddr lo = ~0ull, hi = 0;
    for (size_t i = 0; i < count; i++) {
        PhysAddr b = align_up(ranges[i].base, kPageSize);
        PhysAddr e = align_down(ranges[i].base + ranges[i].length, kPageSize);
        if (e <= b) continue;
        lo = min(lo, b);
        hi = max(hi, e);
    }
    if (later.length) {
        lo = min(lo, align_down(later.base, kPageSize));
        hi = max(hi, align_up(later.base + later.length, kPageSize));
    }
    KASSERT(hi > lo);
    u64 frames = (hi - lo) / kPageSize;
    u64 bitmap_bytes = align_up((frames + 63) / 64 * 8, kPageSize);

    // The bitmap lives in the first range that can hold it; those frames stay used.
    PhysAddr bitmap_pa = 0;
    for (size_t i = 0; i < count && !bitmap_pa; i++) {
        PhysAddr b = align_up(ranges[i].base, kPageSize);
        PhysAddr e = align_down(ranges[i].base + ranges[i].length, kPageSize);
        if (e > b && e - b >= bitmap_bytes && b != 0) bitmap_pa = b;
    }
    if (!bitmap_pa) kernel::panic("no room for the frame bitmap (%lu bytes)", bitmap_bytes);

    g_frames.init(lo, frames, static_cast<u64*>(phys_to_virt(bitmap_pa)));
    for (size_t i = 0; i < count; i++) {
        PhysAddr b = align_up(ranges[i].base, kPageSize);
        PhysAddr e = align_down(ranges[i].base + ranges[i].length, kPageSize);
        if (e > b) g_frames.mark_free(b, (e - b) / kPageSize);
    }
    g_frames.mark_used(bitmap_pa, bitmap_bytes / kPageSize);
    g_total_bytes = g_frames.free_frames() * kPageSize;
    log_info("mm: %lu MiB usable in %zu ranges, frame bitmap %lu KiB", g_total_bytes >> 20, count,
             bitmap_bytes >> 10);
}

PhysAddr alloc_frame() {
    kernel::InterruptGuard g;
    return g_frames.alloc(1);
}

PhysAddr alloc_zeroed_frame() {
    PhysAddr pa = alloc_frame();
    if (pa) memset(phys_to_virt(pa), 0, kPageSize);
    return pa;
}

PhysAddr alloc_frames(u64 count) {
    kernel::InterruptGuard g;
    return g_frames.alloc(count);
}

void free_frame(PhysAddr pa) { free_frames(pa, 1); }

void free_frames(PhysAddr pa, u64 count) {
    kernel::InterruptGuard g;
    if (!g_frames.free(pa, count)) kernel::panic("double free of physical frames at 0x%lx (+%lu)", pa, count);
}

void free_frames_range(PhysAddr pa, u64 count) {
    kernel::InterruptGuard g;
    g_frames.mark_free(pa, count);
    g_total_bytes += count * kPageSize;
}

u64 free_memory_bytes() { return g_frames.free_frames() * kPageSize; }
u64 total_memory_bytes() { return g_total_bytes; }
} // namespace mm
