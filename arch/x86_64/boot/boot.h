// Boot-time steps shared between boot/*.cpp.
#pragma once
#include "ranges.h"

namespace arch::x86 {
// Builds the kernel's page tables (direct map of `mapped`, the kernel image with W^X,
// LAPIC/IOAPIC MMIO uncached, all 256 upper-half PDPTs), takes the pages for them out
// of `usable`, and switches to them.
void paging_init(const RangeList& mapped, RangeList& usable);
} // namespace arch::x86
