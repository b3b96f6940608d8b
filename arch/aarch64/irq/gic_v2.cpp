// GICv2: distributor + memory-mapped CPU interface (IHI 0048B). Without the security
// extensions every interrupt is Group 0 and signalled as IRQ.
#include "gic.h"

namespace arch::gic::v2 {
namespace {
enum : u32 { GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_BPR = 0x08, GICC_IAR = 0x0c, GICC_EOIR = 0x10 };
VirtAddr g_gicd, g_gicc;
} // namespace

bool init(VirtAddr gicd, VirtAddr gicc) {
    g_gicd = gicd;
    g_gicc = gicc;
    mmio_write(gicd, dist::CTLR, 0);
    u32 lines = ((mmio_read(gicd, dist::TYPER) & 0x1f) + 1) * 32;
    for (u32 i = 32; i < lines; i += 32) {
        mmio_write(gicd, dist::ICENABLER + i / 8, ~0u);
        mmio_write(gicd, dist::ICPENDR + i / 8, ~0u);
    }
    for (u32 i = 32; i < lines; i += 4) mmio_write(gicd, dist::ITARGETSR + i, 0x01010101); // CPU 0
    mmio_write(gicd, dist::CTLR, 1);
    mmio_write(gicc, GICC_PMR, 0xf0); // let every priority above the lowest through
    mmio_write(gicc, GICC_BPR, 0);
    mmio_write(gicc, GICC_CTLR, 1);
    return true;
}

void enable(u32 intid, bool edge) {
    // SGIs/PPIs (< 32) are banked per CPU; their trigger mode is fixed except for PPIs.
    configure(g_gicd, intid, edge);
    mmio_write(g_gicd, dist::ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

u32 acknowledge() { return mmio_read(g_gicc, GICC_IAR) & 0x3ff; }
void end_of_interrupt(u32 intid) { mmio_write(g_gicc, GICC_EOIR, intid); }
} // namespace arch::gic::v2
