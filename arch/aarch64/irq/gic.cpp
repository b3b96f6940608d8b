// GIC version dispatch; see gic.h.
#include "gic.h"
#include "../boot/platform.h"
#include "../mm/kernel_map.h"

namespace arch::gic {
namespace {
int g_version;
// The SGIs/PPIs enabled so far (bit = INTID) and which of them are edge-triggered:
// init_cpu enables the same ones on every other CPU. Written on the boot CPU before
// the others start.
u32 g_private_enabled, g_private_edge;
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
        // ours are near the start: map the first 4 MiB only (32 CPUs).
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

void init_cpu(unsigned index) {
    if (g_version == 3) v3::init_cpu(g_private_enabled, g_private_edge);
    else if (g_version == 2) v2::init_cpu(index, g_private_enabled, g_private_edge);
}

void enable(u32 intid, bool edge) {
    if (intid < 32) {
        g_private_enabled |= 1u << intid;
        g_private_edge = edge ? g_private_edge | (1u << intid) : g_private_edge & ~(1u << intid);
    }
    if (g_version == 3) v3::enable(intid, edge);
    else if (g_version == 2) v2::enable(intid, edge);
}

void send_sgi(unsigned index, u64 mpidr, u32 intid) {
    if (g_version == 3) v3::send_sgi(mpidr, intid);
    else if (g_version == 2) v2::send_sgi(index, intid);
}

u32 acknowledge() {
    if (g_version == 3) return v3::acknowledge();
    if (g_version == 2) return v2::acknowledge();
    return 1023;
}

u32 intid_of(u32 ack) { return g_version == 2 ? ack & 0x3ff : ack; }

void end_of_interrupt(u32 ack) {
    if (g_version == 3) v3::end_of_interrupt(ack);
    else if (g_version == 2) v2::end_of_interrupt(ack);
}
} // namespace arch::gic
