// The kernel's frame allocator: one FrameBitmap spanning all usable RAM, and a
// reference count per frame so that a page can be mapped by several address spaces
// (copy-on-write after fork, shared anonymous memory). Both arrays are carved out of
// the first usable range large enough, before any other allocator exists.
#include <kernel/log.h>
#include <kernel/sync/spinlock.h>
#include <lib/string.h>
#include <mm/phys.h>

namespace mm {
namespace {
// The bitmap, the reference counts and the total; taken from interrupt context too
// (irq-saving), never held across anything but the bookkeeping itself.
kernel::Spinlock g_lock {"frames"};
FrameBitmap g_frames LV_GUARDED_BY(g_lock);
u32* g_refs LV_PT_GUARDED_BY(g_lock) = nullptr; // per frame of [g_base, g_base + g_count * 4096)
PhysAddr g_base = 0; // g_base and g_count: set once by phys_init, before anything runs
u64 g_count = 0;
u64 g_total_bytes LV_GUARDED_BY(g_lock) = 0;

u32& refs(PhysAddr pa) LV_REQUIRES(g_lock) { return g_refs[(pa - g_base) / kPageSize]; }
bool tracked(PhysAddr pa) { return pa >= g_base && (pa - g_base) / kPageSize < g_count; }
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
    u64 refs_bytes = align_up(frames * sizeof(u32), kPageSize);
    u64 meta_bytes = bitmap_bytes + refs_bytes;

    // The metadata lives in the first range that can hold it; those frames stay used.
    PhysAddr meta_pa = 0;
    for (size_t i = 0; i < count && !meta_pa; i++) {
        PhysAddr b = align_up(ranges[i].base, kPageSize);
        PhysAddr e = align_down(ranges[i].base + ranges[i].length, kPageSize);
        if (e > b && e - b >= meta_bytes && b != 0) meta_pa = b;
    }
    if (!meta_pa) kernel::panic("no room for the frame metadata (%lu bytes)", meta_bytes);

    u64 total;
    {
        kernel::SpinlockLocker l(g_lock);
        g_frames.init(lo, frames, static_cast<u64*>(phys_to_virt(meta_pa)));
        g_refs = static_cast<u32*>(phys_to_virt(meta_pa + bitmap_bytes));
        memset(g_refs, 0, frames * sizeof(u32));
        g_base = lo;
        g_count = frames;
        for (size_t i = 0; i < count; i++) {
            PhysAddr b = align_up(ranges[i].base, kPageSize);
            PhysAddr e = align_down(ranges[i].base + ranges[i].length, kPageSize);
            if (e > b) g_frames.mark_free(b, (e - b) / kPageSize);
        }
        g_frames.mark_used(meta_pa, meta_bytes / kPageSize);
        total = g_total_bytes = g_frames.free_frames() * kPageSize;
    }
    log_info("mm: %lu MiB usable in %zu ranges, frame metadata %lu KiB", total >> 20, count, meta_bytes >> 10);
}

PhysAddr alloc_frame() { return alloc_frames(1); }

PhysAddr alloc_zeroed_frame() {
    PhysAddr pa = alloc_frame();
    if (pa) memset(phys_to_virt(pa), 0, kPageSize);
    return pa;
}

PhysAddr alloc_frames(u64 count) {
    kernel::SpinlockLocker l(g_lock);
    PhysAddr pa = g_frames.alloc(count);
    for (u64 i = 0; pa && i < count; i++) refs(pa + i * kPageSize) = 1;
    return pa;
}

void share_frame(PhysAddr pa) {
    kernel::SpinlockLocker l(g_lock);
    KASSERT(tracked(pa) && refs(pa) > 0);
    refs(pa)++;
}

u32 frame_refcount(PhysAddr pa) {
    kernel::SpinlockLocker l(g_lock);
    return tracked(pa) ? refs(pa) : 0;
}

namespace {
void free_frames_locked(PhysAddr pa, u64 count) LV_REQUIRES(g_lock) {
    for (u64 i = 0; i < count; i++)
        if (tracked(pa + i * kPageSize)) refs(pa + i * kPageSize) = 0;
    if (!g_frames.free(pa, count)) kernel::panic("double free of physical frames at 0x%lx (+%lu)", pa, count);
}
} // namespace

void free_frame(PhysAddr pa) {
    kernel::SpinlockLocker l(g_lock);
    if (tracked(pa) && refs(pa) > 1) {
        refs(pa)--;
        return;
    }
    free_frames_locked(pa, 1);
}

void free_frames(PhysAddr pa, u64 count) {
    kernel::SpinlockLocker l(g_lock);
    free_frames_locked(pa, count);
}

void free_frames_range(PhysAddr pa, u64 count) {
    kernel::SpinlockLocker l(g_lock);
    g_frames.mark_free(pa, count);
    g_total_bytes += count * kPageSize;
}

u64 free_memory_bytes() {
    kernel::SpinlockLocker l(g_lock);
    return g_frames.free_frames() * kPageSize;
}
u64 total_memory_bytes() {
    kernel::SpinlockLocker l(g_lock);
    return g_total_bytes;
}
} // namespace mm
