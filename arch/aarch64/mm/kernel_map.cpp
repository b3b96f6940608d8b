// Kernel mappings after the MMU is on; see kernel_map.h.
#include "kernel_map.h"
#include "../boot/early_pgtable.h"
#include <arch/pte.h>

extern "C" u8 __image_start[], __image_end[];

namespace arch::kmap {
namespace {
boot::TableAlloc g_alloc;
PhysAddr g_root;      // TTBR1 level-0 table
PhysAddr g_load;
PhysAddr g_empty_root;
PhysAddr g_identity_root;

void barrier_after_map() {
    // New entries replace invalid ones, which the TLB never caches: no TLBI needed,
    // only ordering before the first access through them.
    asm volatile("dsb ishst; isb" ::: "memory");
}
} // namespace

void init(PhysAddr load_phys) {
    g_load = load_phys;
    u64 ttbr1;
    asm volatile("mrs %0, ttbr1_el1" : "=r"(ttbr1));
    g_root = ttbr1 & pte::kAddrMask;
    u64 ttbr0;
    asm volatile("mrs %0, ttbr0_el1" : "=r"(ttbr0));
    g_identity_root = ttbr0 & pte::kAddrMask;
    PhysAddr pool_phys = reinterpret_cast<u64>(boot::boot_pgtable_pool) - kKernelBase + load_phys;
    g_alloc = {boot::boot_pgtable_pool, pool_phys, boot::kEarlyPoolPages, boot::kPoolPages};
}

PhysAddr load_phys() { return g_load; }
PhysAddr image_phys_end() { return reinterpret_cast<u64>(__image_end) - kKernelBase + g_load; }
PhysAddr image_phys(const void* p) { return reinterpret_cast<u64>(p) - kKernelBase + g_load; }

bool map_ram(PhysAddr base, u64 size) {
    PhysAddr b = align_down(base, kPageSize), e = align_up(base + size, kPageSize);
    bool ok = boot::map_range(g_alloc, g_root, phys_to_virt(b), b, e - b, boot::attrs_kernel_rw(), true);
    barrier_after_map();
    return ok;
}

VirtAddr map_mmio(PhysAddr base, u64 size) {
    PhysAddr b = align_down(base, kPageSize), e = align_up(base + size, kPageSize);
    // Pages, not blocks: a block could cover neighbouring RAM with device attributes.
    if (!boot::map_range(g_alloc, g_root, phys_to_virt(b), b, e - b, boot::attrs_device(), false))
        return 0;
    barrier_after_map();
    return phys_to_virt(base);
}

PhysAddr empty_user_root() { return g_empty_root; }
PhysAddr identity_root() { return g_identity_root; }

void drop_identity_map() {
    if (!g_empty_root) g_empty_root = g_alloc.alloc();
    asm volatile("msr ttbr0_el1, %0; isb; tlbi vmalle1; dsb nsh; isb" ::"r"(g_empty_root) : "memory");
}
} // namespace arch::kmap
