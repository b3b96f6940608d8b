// The kernel half of the address space (TTBR1): the image at kKernelBase (mapped by
// boot/early_pgtable.cpp), all RAM at kDirectMapBase + phys, and device MMIO at the
// same offset (kDirectMapBase + phys, Device-nGnRE), so phys_to_virt works for both.
#pragma once
#include <arch/config.h>
#include <lib/types.h>

namespace arch::kmap {
void init(PhysAddr load_phys);
// Adds RAM [base, base + size) to the direct map (normal memory, RW, never executable).
bool map_ram(PhysAddr base, u64 size);
// Maps device registers; returns their kernel address, 0 if the table pool ran out.
VirtAddr map_mmio(PhysAddr base, u64 size);
// After boot: TTBR0 gets an empty table until the first user address space.
void drop_identity_map();
PhysAddr empty_user_root();
// The TTBR0 root head.S turned the MMU on with (the image and the DTB identity-mapped,
// boot/early_pgtable.cpp): kept, unused, for the other CPUs to do the same.
PhysAddr identity_root();

inline VirtAddr phys_to_virt(PhysAddr p) { return kDirectMapBase + p; }
template <typename T>
inline T* phys_to_ptr(PhysAddr p) { return reinterpret_cast<T*>(phys_to_virt(p)); }
PhysAddr load_phys();
PhysAddr image_phys_end();
// The physical address of something inside the kernel image (code, data, .bss).
PhysAddr image_phys(const void* p);
} // namespace arch::kmap
