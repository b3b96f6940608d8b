// Translation-table building shared by the MMU-off boot code and the later kernel
// mappings (mm/kernel_map.cpp). Tables come from a fixed pool inside the kernel image
// (so they are never handed to the frame allocator). The functions here are compiled
// with -mstrict-align and use only PC-relative addressing: they run before the MMU is on.
#pragma once
#include <lib/types.h>

namespace arch::boot {
constexpr u32 kPoolPages = 64;
constexpr u32 kEarlyPoolPages = 24; // used by aarch64_early_pgtables; the rest is for later

// What head.S programs before turning the MMU on.
struct EarlyMmu {
    u64 ttbr0; // identity map of the image and the DTB
    u64 ttbr1; // the kernel image at kKernelBase
    u64 tcr;
    u64 sctlr;
};

// Table-page allocator over a range of the pool. `pool` is how the pool is reached now
// (its physical address with the MMU off, its kernel-image address after).
struct TableAlloc {
    u8* pool;
    PhysAddr pool_phys;
    u32 next;
    u32 limit;

    PhysAddr alloc(); // a zeroed page, or 0 when the range is used up
    u64* table(PhysAddr p) const { return reinterpret_cast<u64*>(pool + (p - pool_phys)); }
};

// Maps [va, va + size) to [pa, ...) with leaf attributes `attrs` (upper and lower
// attribute bits of a block/page descriptor, without the type bits), using 1 GiB and
// 2 MiB blocks where alignment allows when `blocks` is set. Returns false when the pool
// is exhausted. All of va, pa, size must be page-aligned.
bool map_range(TableAlloc& a, PhysAddr root, u64 va, u64 pa, u64 size, u64 attrs, bool blocks);

// Descriptor attribute sets used by the boot mappings.
u64 attrs_kernel_text();
u64 attrs_kernel_ro();
u64 attrs_kernel_rw();
u64 attrs_device();

extern "C" u8 boot_pgtable_pool[];
} // namespace arch::boot

extern "C" void aarch64_early_pgtables(PhysAddr load_phys, PhysAddr dtb_phys, arch::boot::EarlyMmu* out);
