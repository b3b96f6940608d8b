// GIC version dispatch; see gic.h.
#include "gic.h"
#include "../boot/platform.h"
#include "../mm/kernel_map.h"

namespace arch::gic {
namespace {
int g_version;
} // namespace

void configure(VirtAddr regs, u32 intid, bool edge) {
    u32 off = dist::ICFGR + (intid / 16) * 4, shift = (intid % 16) * 2 + 1;
    u32 v = mmio_read(regs, off);
    v = edge ? v | (1u << shift) : v & ~(1u << shift);
    mmio_write(regs, off, v);
    mmio_write8(regs, dist::IPRIORITYR + intid, 0xa0);
}

bool init() {
    Board& pl = board();
    if (!pl.gicd_base) return false;
    VirtAddr gicd = kmap::map_mmio(pl.gicd_base, pl.gicd_size ? pl.gicd_size : 0x10000);
    if (pl.gic_version == 3 && pl.gicr_base) {
        // The region holds one 128 KiB frame per possible CPU (0xf60000 on -M virt);
        // ours is near the start: map the first 4 MiB only.
        u64 size = min<u64>(pl.gicr_size ? pl.gicr_size : 0x20000, 4ull << 20);
        VirtAddr gicr = kmap::map_mmio(pl.gicr_base, size);
        g_version = 3;
        return gicr && v3::init(gicd, gicr, size);
    }
    if (pl.gic_version == 2 && pl.gicc_base) {
        VirtAddr gicc = kmap::map_mmio(pl.gicc_base, pl.gicc_size ? pl.gicc_size : 0x2000);
        g_version = 2;
        return v2::init(gicd, gicc);
    }
    return false;
}

void enable(u32 intid, bool edge) {
    if (g_version == 3) v3::enable(intid, edge);
    else if (g_version == 2) v2::enable(intid, edge);
}

u32 acknowledge() {
    if (g_version == 3) return v3::acknowledge();
    if (g_version == 2) return v2::acknowledge();
    return 1023;
}

void end_of_interrupt(u32 intid) {
    if (g_version == 3) v3::end_of_interrupt(intid);
    else if (g_version == 2) v2::end_of_interrupt(intid);
}
} // namespace arch::gic
