#include "memmap.h"

namespace arch::boot {
void add_range(BootInfo& info, PhysAddr base, u64 size) {
    PhysAddr b = align_up(base, kPageSize), e = align_down(base + size, kPageSize);
    if (e <= b || info.usable_count == BootInfo::kMaxRanges) return;
    info.usable[info.usable_count++] = {b, e - b};
}

void exclude_range(BootInfo& info, PhysAddr base, u64 size) {
    if (size == 0) return;
    // Whole pages: a page partly in use is not free.
    PhysAddr xb = align_down(base, kPageSize), xe = align_up(base + size, kPageSize);
    for (size_t i = 0; i < info.usable_count;) {
        MemRange r = info.usable[i];
        PhysAddr rb = r.base, re = r.base + r.length;
        if (xe <= rb || xb >= re) {
            i++;
            continue;
        }
        // Remove r and put back what lies outside [xb, xe).
        info.usable[i] = info.usable[--info.usable_count];
        if (rb < xb) add_range(info, rb, xb - rb);
        if (xe < re) add_range(info, xe, re - xe);
        // Re-examine slot i (now holding a different range); the pieces cannot overlap.
    }
}
} // namespace arch::boot
