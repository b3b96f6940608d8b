// Builds BootInfo::usable: RAM minus everything still in use at boot.
#pragma once
#include <arch/interface.h>

namespace arch::boot {
// Removes [base, base + size) from the list (splitting ranges as needed).
void exclude_range(BootInfo& info, PhysAddr base, u64 size);
void add_range(BootInfo& info, PhysAddr base, u64 size);
} // namespace arch::boot
