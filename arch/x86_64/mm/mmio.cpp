// Device registers in the kernel half. boot/paging.cpp maps RAM (and the IOAPIC and
// LAPIC) at kDirectMapBase + phys; a device's registers go at the same offset, in 4 KiB
// uncached pages, so phys_to_virt-style arithmetic works for them too. The PDPTs of the
// upper half are shared by every address space (user_root.cpp), so tables added below
// them here are seen everywhere at once.
#include <arch/pte.h>
#include <arch/x86/internal.h>
#include <kernel/sync/spinlock.h>
#include <mm/phys.h>

namespace arch {
namespace {
using namespace arch::pte;

// The kernel half's device mappings: threads may map concurrently. Taken before the
// frame allocator's locks (a new table).
kernel::Spinlock g_mmio_lock {"mmio"};

u64* table(PhysAddr p) { return reinterpret_cast<u64*>(kDirectMapBase + p); }

// The next-level table under `entry`, made if missing; null if `entry` is a large page
// (RAM, or one of the boot-time 2 MiB device mappings: `covered` tells which).
u64* next_table(u64& entry, bool& covered) {
    if (entry & kPresent) {
        if (entry & kHuge) {
            covered = (entry & kCacheDisable) != 0;
            return nullptr;
        }
        return table(address(entry));
    }
    PhysAddr t = mm::alloc_zeroed_frame();
    if (!t) return nullptr;
    entry = t | kPresent | kWritable;
    return table(t);
}

bool map_page(PhysAddr pa) LV_REQUIRES(g_mmio_lock) {
    VirtAddr va = kDirectMapBase + pa;
    u64* pml4 = table(x86::g_kernel_root);
    u64* pdpt = table(address(pml4[(va >> 39) & 511])); // always present (boot/paging.cpp)
    bool covered = false;
    u64* pd = next_table(pdpt[(va >> 30) & 511], covered);
    if (!pd) return covered;
    u64* pt = next_table(pd[(va >> 21) & 511], covered);
    if (!pt) return covered;
    u64& e = pt[(va >> 12) & 511];
    if (e & kPresent) return (e & kCacheDisable) != 0; // mapped before, as a device
    // PCD|PWT: uncached with the power-on PAT. A new entry replaces a non-present one,
    // which no TLB holds: no flush.
    e = pa | kPresent | kWritable | kGlobal | kCacheDisable | kWriteThrough | g_nx_bit;
    return true;
}
} // namespace

void* map_mmio(PhysAddr base, u64 size) {
    if (size == 0 || base + size < base || base + size > (1ull << 46)) return nullptr;
    kernel::SpinlockLocker l(g_mmio_lock);
    for (PhysAddr p = align_down(base, kPageSize); p < base + size; p += kPageSize)
        if (!map_page(p)) return nullptr;
    return reinterpret_cast<void*>(kDirectMapBase + base);
}

// x86 keeps stores in order and loads in order, and uncached MMIO accesses are not
// reordered with cacheable ones around them; only the compiler needs telling... except
// that a load may pass an older store to another address: mfence covers that too.
void io_barrier() { asm volatile("mfence" ::: "memory"); }
} // namespace arch
