// kmalloc: power-of-two size classes carved from whole frames for small blocks, and
// contiguous frames for large ones. Small blocks go through a cache per CPU and class
// (Linux's per-CPU slab caches, in their simplest form): a CPU takes from and gives back
// to its own with interrupts off, and goes to the shared free lists, under g_lock, half
// a cache at a time, so CPUs allocating at once do not all meet on one lock. Every block
// carries a 16-byte header naming its class, so kfree needs no size. Small-class pages
// are never returned to the frame allocator (FIXME: per-page occupancy counts would
// allow it). Freed blocks are filled with 0x6b (see kfree).
#include <kernel/cmdline.h>
#include <kernel/cpu.h>
#include <kernel/log.h>
#include <kernel/symbols.h>
#include <kernel/smp.h>
#include <kernel/sync/spinlock.h>
#include <lib/alloc.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/phys.h>

namespace {
constexpr u64 kMagic = 0x4c5648454150ull; // "LVHEAP"
constexpr size_t kHeader = 16;
constexpr int kClasses = 8; // 32 .. 4096 bytes including the header
constexpr size_t class_size(int c) { return size_t(32) << c; }

struct Header {
    u32 klass; // < kClasses: small; kLarge: frames
    u32 frames;
    u64 magic;
};
static_assert(sizeof(Header) == kHeader);
constexpr u32 kLarge = 0xffff;
constexpr int kPoisonFree = 0x6b;
constexpr u64 kPoisonWord = 0x6b6b6b6b6b6b6b6bull;

// levitate.heapcheck (mm/heap.h): a freed small block keeps the address of the code that
// freed it in its first payload word, and the rest of the payload is checked on reuse.
bool g_check = false;

[[noreturn]] void report_write_after_free(const u8* payload, size_t len, size_t at) {
    uptr freer = *reinterpret_cast<const uptr*>(payload);
    const char* name = "?";
    u64 off = 0;
    kernel::symbolize(freer, name, off);
    u64 bytes = 0;
    memcpy(&bytes, payload + at, min<size_t>(8, len - at));
    kernel::panic("heap: block %p (%lu bytes) written after free at +%#lx: %016lx; freed by %s+%#lx",
                  payload, len, at, bytes, name, off);
}

// The payload of a block leaving the free state, past the freer's word: still poison?
void check_poison(const u8* payload, size_t len) {
    for (size_t at = sizeof(uptr); at + 8 <= len; at += 8) {
        u64 w;
        memcpy(&w, payload + at, 8);
        if (w != kPoisonWord) {
            size_t b = at;
            while (payload[b] == kPoisonFree) b++;
            report_write_after_free(payload, len, b);
        }
    }
}

struct FreeBlock {
    FreeBlock* next;
};
// The small classes' free lists (constant-initialized: kmalloc works before the global
// constructors run). Large blocks come from the frame allocator, under its own lock.
kernel::Spinlock g_lock {"heap"};
FreeBlock* g_free[kClasses] LV_GUARDED_BY(g_lock);

// Each CPU's blocks of each class, ready to hand out (free, poisoned, header cleared):
// only that CPU touches them, with interrupts off. A cache line per CPU's array start.
constexpr u32 kCacheBlocks = 32, kCacheBatch = 16;
struct alignas(64) CpuCache {
    u32 count[kClasses];
    FreeBlock* blocks[kClasses][kCacheBlocks];
};
CpuCache g_cpu_caches[kernel::smp::kMaxCpus];

bool refill(int c) LV_REQUIRES(g_lock) {
    PhysAddr pa = mm::alloc_frame();
    if (!pa) return false;
    auto* page = static_cast<u8*>(mm::phys_to_virt(pa));
    size_t sz = class_size(c);
    if (g_check) memset(page, kPoisonFree, mm::kPageSize); // as if freed (kfree), by nobody
    for (size_t off = 0; off + sz <= mm::kPageSize; off += sz) {
        if (g_check) {
            reinterpret_cast<Header*>(page + off)->magic = 0;
            *reinterpret_cast<uptr*>(page + off + kHeader) = 0;
        }
        auto* b = reinterpret_cast<FreeBlock*>(page + off);
        b->next = g_free[c];
        g_free[c] = b;
    }
    return true;
}
} // namespace

void* kmalloc(size_t size) {
    if (size > (1ull << 40)) return nullptr;
    size_t need = size + kHeader;
    Header* h;
    if (need <= class_size(kClasses - 1)) {
        int c = 0;
        while (class_size(c) < need) c++;
        arch::IrqState irq = arch::irq_save();
        CpuCache& cache = g_cpu_caches[kernel::this_cpu().id];
        u32 n = cache.count[c];
        if (n == 0) {
            kernel::SpinlockLocker l(g_lock);
            for (; n < kCacheBatch; n++) {
                if (!g_free[c] && !refill(c)) break;
                cache.blocks[c][n] = g_free[c];
                g_free[c] = g_free[c]->next;
            }
        }
        FreeBlock* b = n ? cache.blocks[c][--n] : nullptr;
        cache.count[c] = n;
        arch::irq_restore(irq);
        if (!b) return nullptr;
        if (g_check)
            check_poison(reinterpret_cast<u8*>(b) + kHeader, class_size(c) - kHeader);
        h = reinterpret_cast<Header*>(b);
        h->klass = u32(c);
        h->frames = 0;
    } else {
        u64 frames = align_up(need, mm::kPageSize) / mm::kPageSize;
        PhysAddr pa = mm::alloc_frames(frames);
        if (!pa) return nullptr;
        h = static_cast<Header*>(mm::phys_to_virt(pa));
        h->klass = kLarge;
        h->frames = u32(frames);
    }
    h->magic = kMagic;
    return reinterpret_cast<u8*>(h) + kHeader;
}

void* kzalloc(size_t size) {
    void* p = kmalloc(size);
    if (p) memset(p, 0, size);
    return p;
}

void kfree(void* p) {
    if (!p) return;
    auto* h = reinterpret_cast<Header*>(static_cast<u8*>(p) - kHeader);
    if (h->magic != kMagic) kernel::panic("kfree: bad block %p (magic %lx)", p, h->magic);
    h->magic = 0; // catches double frees
    // Freed memory is poisoned (Linux's POISON_FREE, always on here): a use after free
    // then reads 0x6b6b... (a non-canonical pointer, a huge count, a true flag) and
    // fails at once, instead of working on stale contents until the block is reused.
    if (h->klass == kLarge) {
        memset(p, kPoisonFree, size_t(h->frames) * mm::kPageSize - kHeader);
        mm::free_frames(mm::virt_to_phys(h), h->frames);
        return;
    }
    if (h->klass >= kClasses) kernel::panic("kfree: corrupt header at %p", p);
    memset(p, kPoisonFree, class_size(int(h->klass)) - kHeader);
    if (g_check) *static_cast<uptr*>(p) = uptr(__builtin_return_address(0));
    u32 klass = h->klass; // b->next below overwrites the header
    auto* b = reinterpret_cast<FreeBlock*>(h);
    arch::IrqState irq = arch::irq_save();
    CpuCache& cache = g_cpu_caches[kernel::this_cpu().id];
    u32 n = cache.count[klass];
    if (n == kCacheBlocks) { // full: the older half goes back to the shared list
        kernel::SpinlockLocker l(g_lock);
        for (u32 i = 0; i < kCacheBatch; i++) {
            FreeBlock* old = cache.blocks[klass][i];
            old->next = g_free[klass];
            g_free[klass] = old;
        }
        for (u32 i = kCacheBatch; i < n; i++) cache.blocks[klass][i - kCacheBatch] = cache.blocks[klass][i];
        n -= kCacheBatch;
    }
    cache.blocks[klass][n++] = b;
    cache.count[klass] = n;
    arch::irq_restore(irq);
}

namespace mm {
bool heap_debug_init(const char* cmdline) {
    g_check = kernel::cmdline::flag(cmdline, "levitate.heapcheck");
    return g_check;
}
} // namespace mm
