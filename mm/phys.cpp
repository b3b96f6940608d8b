// The kernel's frame allocator: one FrameBitmap spanning all usable RAM, and a
// reference count per frame so that a page can be mapped by several address spaces
// (copy-on-write after fork, shared anonymous memory). Both arrays are carved out of
// the first usable range large enough, before any other allocator exists.
//
// Single frames go through a small cache per CPU (Linux's per-CPU page lists), so that
// CPUs faulting pages in at once do not all meet on the bitmap's lock: a CPU takes from
// and gives back to its own cache with interrupts off, and goes to the bitmap, under
// g_lock, a batch at a time. The reference counts are atomic, apart from the lock.
#include <kernel/cpu.h>
#include <kernel/log.h>
#include <kernel/smp.h>
#include <kernel/sync/spinlock.h>
#include <lib/string.h>
#include <mm/phys.h>

namespace mm {
namespace {
// The bitmap and the total; taken from interrupt context too (irq-saving), never held
// across anything but the bookkeeping itself.
kernel::Spinlock g_lock {"frames"};
FrameBitmap g_frames LV_GUARDED_BY(g_lock);
u32* g_refs = nullptr; // per frame of [g_base, g_base + g_count * 4096); each atomic
PhysAddr g_base = 0; // g_base and g_count: set once by phys_init, before anything runs
u64 g_count = 0;
u64 g_total_bytes LV_GUARDED_BY(g_lock) = 0;

u32& refs(PhysAddr pa) { return g_refs[(pa - g_base) / kPageSize]; }
bool tracked(PhysAddr pa) { return pa >= g_base && (pa - g_base) / kPageSize < g_count; }

// Each CPU's cache of free frames (marked used in the bitmap, reference count 0): only
// its CPU changes it, with interrupts off. Its count is also read from other CPUs
// (cached frames still count as free memory: cached_frames), so it is stored whole; a
// cache line each, so that CPUs freeing and allocating at once share none.
constexpr u32 kCacheFrames = 32, kCacheBatch = 16;
struct alignas(64) FrameCache {
    u32 count = 0;
    PhysAddr frames[kCacheFrames];
    void set_count(u32 n) { __atomic_store_n(&count, n, __ATOMIC_RELAXED); }
};
FrameCache g_caches[kernel::smp::kMaxCpus];

u64 cached_frames() {
    u64 n = 0;
    for (const FrameCache& c : g_caches) n += __atomic_load_n(&c.count, __ATOMIC_RELAXED);
    return n;
}

FrameCache& my_cache() { return g_caches[kernel::this_cpu().id]; }

PhysAddr cache_alloc() {
    arch::IrqState irq = arch::irq_save();
    FrameCache& c = my_cache();
    u32 n = c.count;
    if (n == 0) {
        kernel::SpinlockLocker l(g_lock);
        for (; n < kCacheBatch; n++) {
            PhysAddr pa = g_frames.alloc(1);
            if (!pa) break;
            c.frames[n] = pa;
        }
    }
    PhysAddr pa = 0;
    if (n) pa = c.frames[--n];
    c.set_count(n);
    arch::irq_restore(irq);
    return pa;
}

void free_frames_locked(PhysAddr pa, u64 count) LV_REQUIRES(g_lock) {
    for (u64 i = 0; i < count; i++)
        if (tracked(pa + i * kPageSize)) __atomic_store_n(&refs(pa + i * kPageSize), 0u, __ATOMIC_RELAXED);
    if (!g_frames.free(pa, count)) kernel::panic("double free of physical frames at 0x%lx (+%lu)", pa, count);
}

// A tracked frame whose last reference went: into this CPU's cache, half of which goes
// back to the bitmap when it is full.
void cache_free(PhysAddr pa) {
    arch::IrqState irq = arch::irq_save();
    FrameCache& c = my_cache();
    u32 n = c.count;
    if (n == kCacheFrames) {
        kernel::SpinlockLocker l(g_lock);
        for (u32 i = 0; i < kCacheBatch; i++)
            if (!g_frames.free(c.frames[--n], 1)) kernel::panic("frame cache: 0x%lx was free", c.frames[n]);
    }
    c.frames[n++] = pa;
    c.set_count(n);
    arch::irq_restore(irq);
}
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

PhysAddr alloc_frame() {
    PhysAddr pa = cache_alloc();
    if (pa) __atomic_store_n(&refs(pa), 1u, __ATOMIC_RELAXED);
    return pa;
}

PhysAddr alloc_zeroed_frame() {
    PhysAddr pa = alloc_frame();
    if (pa) memset(phys_to_virt(pa), 0, kPageSize);
    return pa;
}

PhysAddr alloc_frames(u64 count) {
    if (count == 1) return alloc_frame();
    kernel::SpinlockLocker l(g_lock);
    PhysAddr pa = g_frames.alloc(count);
    for (u64 i = 0; pa && i < count; i++) __atomic_store_n(&refs(pa + i * kPageSize), 1u, __ATOMIC_RELAXED);
    return pa;
}

void share_frame(PhysAddr pa) {
    KASSERT(tracked(pa));
    u32 old = __atomic_fetch_add(&refs(pa), 1u, __ATOMIC_RELAXED);
    KASSERT(old > 0);
}

u32 frame_refcount(PhysAddr pa) { return tracked(pa) ? __atomic_load_n(&refs(pa), __ATOMIC_RELAXED) : 0; }

void free_frame(PhysAddr pa) {
    if (!tracked(pa)) {
        kernel::SpinlockLocker l(g_lock);
        if (!g_frames.free(pa, 1)) kernel::panic("double free of physical frames at 0x%lx (+1)", pa);
        return;
    }
    // Acquire: the last holder's writes to the page are done before it is reused.
    u32 old = __atomic_fetch_sub(&refs(pa), 1u, __ATOMIC_ACQ_REL);
    if (old > 1) return;
    if (old == 0) kernel::panic("double free of physical frame 0x%lx", pa);
    cache_free(pa);
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
    return (g_frames.free_frames() + cached_frames()) * kPageSize;
}
u64 total_memory_bytes() {
    kernel::SpinlockLocker l(g_lock);
    return g_total_bytes;
}
} // namespace mm
