// GICv2: distributor + memory-mapped CPU interface (IHI 0048B). Without the security
// extensions every interrupt is Group 0 and signalled as IRQ. The CPU interface and the
// distributor's SGI/PPI registers are banked: each CPU sees its own at the same address.
#include "gic.h"
#include "../boot/platform.h"

namespace arch::gic::v2 {
namespace {
enum : u32 { GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_BPR = 0x08, GICC_IAR = 0x0c, GICC_EOIR = 0x10 };
VirtAddr g_gicd, g_gicc;
// CPU index -> its CPU interface bit (GICD_SGIR's target list), read by each CPU itself.
u8 g_target[Board::kMaxCpus];

// The calling CPU's interface bit: GICD_ITARGETSR0-7 read as it (banked). 0 on a
// uniprocessor GIC, which has no other CPU to name.
u8 this_target() { return u8(mmio_read(g_gicd, dist::ITARGETSR) & 0xff); }

void init_cpu_interface() {
    mmio_write(g_gicc, GICC_PMR, 0xf0); // let every priority above the lowest through
    mmio_write(g_gicc, GICC_BPR, 0);
    mmio_write(g_gicc, GICC_CTLR, 1);
}
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
    // Every SPI to us, the boot CPU.
    u32 me = this_target() ? this_target() : 1;
    g_target[0] = u8(me);
    for (u32 i = 32; i < lines; i += 4) mmio_write(gicd, dist::ITARGETSR + i, me * 0x01010101u);
    mmio_write(gicd, dist::CTLR, 1);
    init_cpu_interface();
    return true;
}

void init_cpu(unsigned index, u32 private_enabled, u32 private_edge) {
    if (index < Board::kMaxCpus) g_target[index] = this_target();
    mmio_write(g_gicd, dist::ICENABLER, ~0u);
    for (u32 i = 0; i < 32; i++)
        if (private_enabled & (1u << i)) enable(i, private_edge & (1u << i));
    init_cpu_interface();
}

void enable(u32 intid, bool edge) {
    // SGIs/PPIs (< 32) are banked per CPU; their trigger mode is fixed except for PPIs.
    configure(g_gicd, intid, edge);
    mmio_write(g_gicd, dist::ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

void send_sgi(unsigned index, u32 intid) {
    if (index >= Board::kMaxCpus || !g_target[index]) return;
    // Our earlier stores are visible to the target before it can see the SGI (a store
    // to the distributor, ordered after them).
    asm volatile("dmb ishst" ::: "memory");
    mmio_write(g_gicd, dist::SGIR, (u32(g_target[index]) << 16) | (intid & 0xf)); // TargetListFilter 0
}

// SGIs keep the sending CPU in bits 12:10: GICC_EOIR wants it back.
u32 acknowledge() { return mmio_read(g_gicc, GICC_IAR) & 0x1fff; }
void end_of_interrupt(u32 ack) { mmio_write(g_gicc, GICC_EOIR, ack); }
} // namespace arch::gic::v2
