#include <arch/interface.h>
#include <arch/pte.h>
#include <kernel/sync/spinlock.h>
#include <mm/kernel_stack.h>
#include <mm/phys.h>

namespace mm {
namespace {
constexpr u64 kSlotSize = 2 * kKernelStackSize;
constexpr int kTop = arch::pte::kLevels - 1;
static_assert(kKernelStackSlots * kSlotSize <= (1ull << 39), "the area fits under one top-level entry");

// The slots in use and the area's page tables (a stack's own entries are only touched
// by whoever holds its slot, but the tables above them are shared).
kernel::Spinlock g_lock {"kernel stacks"};
u64 g_used[kKernelStackSlots / 64] LV_GUARDED_BY(g_lock);
u64 g_hint LV_GUARDED_BY(g_lock) = 0;
// Stacks freed lately, still mapped: the next threads take them as they are (Linux's
// cached_stacks), so that a fork and exit does not unmap a stack and make every other
// CPU flush its TLB of it only to map one again. Bounded: the rest are unmapped.
constexpr size_t kCachedStacks = 8;
VirtAddr g_cached[kCachedStacks] LV_GUARDED_BY(g_lock);
size_t g_cached_count LV_GUARDED_BY(g_lock) = 0;

u64* table(PhysAddr pa) { return static_cast<u64*>(phys_to_virt(pa)); }
unsigned index_at(VirtAddr va, int level) { return (va >> (12 + 9 * level)) & 511; }

// The leaf entry for va in the kernel half, making tables on the way (never freed: the
// area's tables are reused by later stacks).
u64* leaf(VirtAddr va, bool create) LV_REQUIRES(g_lock) {
    PhysAddr t = arch::kernel_root();
    for (int level = kTop; level > 0; level--) {
        u64& e = table(t)[index_at(va, level)];
        if (!arch::pte::is_present(e)) {
            if (!create) return nullptr;
            PhysAddr next = alloc_zeroed_frame();
            if (!next) return nullptr;
            e = arch::pte::make_table(next);
        }
        t = arch::pte::address(e);
    }
    return &table(t)[index_at(va, 0)];
}

// Unmaps the stack's first `pages` pages: one TLB flush request to the other CPUs for
// all of them, and the frames are freed once no CPU can reach them any more.
void unmap_pages(VirtAddr base, size_t pages) LV_REQUIRES(g_lock) {
    PhysAddr frames[kKernelStackSize / kPageSize];
    size_t n = 0;
    for (size_t i = 0; i < pages; i++) {
        u64* e = leaf(base + i * kPageSize, false);
        if (!e || !arch::pte::is_present(*e)) continue;
        frames[n++] = arch::pte::address(*e);
        *e = 0;
    }
    if (!n) return;
    arch::flush_tlb_range(arch::kernel_root(), base, base + pages * kPageSize);
    for (size_t i = 0; i < n; i++) free_frame(frames[i]);
}
} // namespace

VirtAddr alloc_kernel_stack() {
    kernel::SpinlockLocker l(g_lock);
    if (g_cached_count) return g_cached[--g_cached_count];
    u64 slot = kKernelStackSlots;
    for (u64 n = 0; n < kKernelStackSlots / 64; n++) {
        u64 w = (g_hint + n) % (kKernelStackSlots / 64);
        if (~g_used[w]) {
            slot = w * 64 + __builtin_ctzll(~g_used[w]);
            g_hint = w;
            break;
        }
    }
    if (slot == kKernelStackSlots) return 0;
    VirtAddr base = kKernelStackArea + slot * kSlotSize;
    PageFlags f;
    f.writable = true;
    for (size_t i = 0; i < kKernelStackSize / kPageSize; i++) {
        PhysAddr pa = alloc_frame();
        u64* e = pa ? leaf(base + i * kPageSize, true) : nullptr;
        if (!e) {
            if (pa) free_frame(pa);
            unmap_pages(base, i);
            return 0;
        }
        *e = arch::pte::make_leaf(pa, f);
    }
    g_used[slot / 64] |= 1ull << (slot % 64);
    return base;
}

void free_kernel_stack(VirtAddr base) {
    kernel::SpinlockLocker l(g_lock);
    if (g_cached_count < kCachedStacks) {
        g_cached[g_cached_count++] = base;
        return;
    }
    u64 slot = (base - kKernelStackArea) / kSlotSize;
    unmap_pages(base, kKernelStackSize / kPageSize);
    g_used[slot / 64] &= ~(1ull << (slot % 64));
}

bool in_kernel_stack_guard(VirtAddr a) {
    if (a < kKernelStackArea || a >= kKernelStackArea + kKernelStackSlots * kSlotSize) return false;
    return (a - kKernelStackArea) % kSlotSize >= kKernelStackSize;
}
} // namespace mm
