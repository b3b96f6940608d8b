// The kernel's final page tables, built once at boot.
//
// Upper half (PML4 entries 256..511, shared by every process: init_user_root copies
// them, so all 256 PDPTs exist from the start and never change):
//   kDirectMapBase + phys   all RAM (and ACPI ranges), 1 GiB pages where the CPU has
//                           them and a whole GiB is RAM, else 2 MiB pages; write-back,
//                           NX. The IOAPIC and LAPIC pages are mapped uncached.
//   kKernelBase + phys      the kernel image in 4 KiB pages: text RX, rodata (and the
//                           symbol table) R+NX, data/bss RW+NX.
// The lower half stays empty: it belongs to processes.
#include "boot.h"
#include <arch/pte.h>
#include <arch/x86/cpu.h>
#include <arch/x86/image.h>
#include <arch/x86/internal.h>
#include <lib/string.h>

namespace arch::pte {
u64 g_nx_bit = 0;
}

namespace arch::x86 {
PhysAddr g_kernel_root = 0;

namespace {
using namespace arch::pte;
constexpr u64 k2M = 2ull << 20, k1G = 1ull << 30;
constexpr PhysAddr kIoApicPhys = 0xfec00000; // FIXME: from the ACPI MADT

// Page-table pages come from one contiguous run of usable RAM below 4 GiB (reachable
// through the boot tables' direct map while we fill them).
struct BootAllocator {
    PhysAddr next = 0, end = 0;
    PhysAddr alloc() {
        if (next >= end) {
            early_print("LevitateOS: boot page-table pool exhausted\n");
            halt_forever();
        }
        PhysAddr p = next;
        next += kPageSize;
        memset(reinterpret_cast<void*>(kDirectMapBase + p), 0, kPageSize);
        return p;
    }
};

u64* table(PhysAddr p) { return reinterpret_cast<u64*>(kDirectMapBase + p); }

void reserve_pool(BootAllocator& a, RangeList& usable, u64 pages) {
    u64 bytes = pages * kPageSize;
    for (size_t i = 0; i < usable.count(); i++) {
        PhysAddr b = usable[i].base;
        if (usable[i].length >= bytes && b + bytes <= (4ull << 30)) {
            a.next = b;
            a.end = b + bytes;
            usable.subtract(b, bytes);
            return;
        }
    }
    early_print("LevitateOS: no room for the kernel page tables\n");
    halt_forever();
}

bool is_mmio_chunk(PhysAddr chunk, PhysAddr lapic) {
    return chunk == align_down(kIoApicPhys, k2M) || chunk == align_down(lapic, k2M);
}

void map_direct(BootAllocator& a, u64* pml4, const RangeList& mapped, u64 slots, PhysAddr lapic) {
    const u64 big = kPresent | kWritable | kHuge | kGlobal | g_nx_bit;
    for (u64 slot = 0; slot < slots; slot++) {
        PhysAddr gb = slot * k1G;
        u64* pdpt = table(address(pml4[256 + slot / 512]));
        bool has_mmio = align_down(kIoApicPhys, k1G) == gb || align_down(lapic, k1G) == gb;
        if (g_features.pdpe1gb && !has_mmio && mapped.covers(gb, k1G)) {
            pdpt[slot % 512] = gb | big;
            continue;
        }
        PhysAddr pd = 0;
        for (u64 j = 0; j < 512; j++) {
            PhysAddr chunk = gb + j * k2M;
            u64 e;
            if (mapped.overlaps(chunk, k2M)) e = chunk | big;
            else if (is_mmio_chunk(chunk, lapic)) e = chunk | big | kCacheDisable | kWriteThrough;
            else continue;
            if (!pd) pd = a.alloc();
            table(pd)[j] = e;
        }
        if (pd) pdpt[slot % 512] = pd | kPresent | kWritable;
    }
}

void map_image(BootAllocator& a, u64* pml4) {
    u64* pdpt = table(address(pml4[511]));
    PhysAddr pd = a.alloc();
    pdpt[(kKernelBase >> 30) & 511] = pd | kPresent | kWritable;
    for (uptr va = uptr(__text_start); va < uptr(__bss_end); va += kPageSize) {
        u64* pde = &table(pd)[(va >> 21) & 511];
        if (!(*pde & kPresent)) *pde = a.alloc() | kPresent | kWritable;
        u64 flags = kPresent | kGlobal;
        if (va >= uptr(__rodata_start)) flags |= g_nx_bit;
        if (va >= uptr(__data_start)) flags |= kWritable;
        table(address(*pde))[(va >> 12) & 511] = (va - kKernelBase) | flags;
    }
}
} // namespace

void paging_init(const RangeList& mapped, RangeList& usable) {
    if (g_features.nx) g_nx_bit = kNoExecute;
    PhysAddr lapic = rdmsr(kMsrApicBase) & kAddressMask;
    u64 slots = max(align_up(mapped.end(), k1G) / k1G, u64(4)); // 4: the MMIO below 4 GiB
    if (slots > 128 * 512) { // the direct map gets PML4 entries 256..383 (64 TiB)
        early_print("LevitateOS: more physical address space than the direct map covers\n");
        slots = 128 * 512;
    }
    u64 image_2m = (uptr(__bss_end) - uptr(__text_start)) / k2M + 2;
    u64 pages = 1 + 256 + slots + 1 + image_2m;

    BootAllocator a;
    reserve_pool(a, usable, pages);
    PhysAddr root = a.alloc();
    u64* pml4 = table(root);
    for (int i = 256; i < 512; i++) pml4[i] = a.alloc() | kPresent | kWritable;
    map_direct(a, pml4, mapped, slots, lapic);
    map_image(a, pml4);
    // The rest of the pool goes back to the frame allocator.
    usable.add(a.next, a.end - a.next);
    usable.page_align();

    write_cr3(root);
    g_kernel_root = root;
    if (g_features.pge) write_cr4(read_cr4() | kCr4Pge);
}
} // namespace arch::x86
