// GICv3: distributor with affinity routing, one redistributor per CPU, and the CPU
// interface in ICC_* system registers (IHI 0069). All interrupts are Non-secure Group 1.
#include "gic.h"
#include "../cpu/sysreg.h"

namespace arch::gic::v3 {
namespace {
// Redistributor: RD_base frame, then the SGI_base frame 64 KiB above it.
enum : u32 { GICR_CTLR = 0x0, GICR_TYPER = 0x8, GICR_WAKER = 0x14, kSgiBase = 0x10000 };
constexpr u32 kCtlrRwp = 1u << 31;
VirtAddr g_gicd, g_sgi;   // g_sgi: the boot CPU's SGI_base frame
VirtAddr g_gicr;          // all redistributors (init_cpu finds each CPU's own)
u64 g_gicr_size;

void wait_rwp(VirtAddr base) {
    for (int i = 0; i < 1000000 && (mmio_read(base, 0) & kCtlrRwp); i++) {}
}

// Our redistributor: the one whose GICR_TYPER affinity matches MPIDR_EL1. Frames are
// 128 KiB apart (256 KiB with VLPIs); the last one has TYPER.Last set.
VirtAddr find_redistributor(VirtAddr gicr, u64 size) {
    u64 mpidr = LV_READ_SYSREG(mpidr_el1);
    u32 aff = u32((mpidr & 0xffffff) | ((mpidr >> 32 & 0xff) << 24));
    for (u64 off = 0; off + 0x20000 <= size;) {
        u64 typer = *reinterpret_cast<volatile u64*>(gicr + off + GICR_TYPER);
        if (u32(typer >> 32) == aff) return gicr + off;
        if (typer & (1u << 4)) break; // Last
        off += (typer & 2) ? 0x40000 : 0x20000; // VLPIS (bit 0 is PLPIS)
    }
    return 0;
}

// Wakes redistributor `rd` (the calling CPU's) and sets up the CPU interface: SGIs and
// PPIs in Group 1, all disabled until enable_private.
void init_this_cpu(VirtAddr rd) {
    u32 waker = mmio_read(rd, GICR_WAKER);
    mmio_write(rd, GICR_WAKER, waker & ~(1u << 1)); // ProcessorSleep
    for (int i = 0; i < 1000000 && (mmio_read(rd, GICR_WAKER) & (1u << 2)); i++) {} // ChildrenAsleep
    mmio_write(rd + kSgiBase, dist::IGROUPR, ~0u);
    mmio_write(rd + kSgiBase, dist::ICENABLER, ~0u);
    wait_rwp(rd);

    LV_WRITE_SYSREG(SYS_ICC_SRE_EL1, LV_READ_SYSREG(SYS_ICC_SRE_EL1) | 1);
    sysreg::isb();
    LV_WRITE_SYSREG(SYS_ICC_PMR_EL1, 0xf0);
    LV_WRITE_SYSREG(SYS_ICC_BPR1_EL1, 0);
    LV_WRITE_SYSREG(SYS_ICC_CTLR_EL1, 0); // EOImode 0: EOIR both drops priority and deactivates
    LV_WRITE_SYSREG(SYS_ICC_IGRPEN1_EL1, 1);
    sysreg::isb();
}

void enable_private(VirtAddr sgi, u32 intid, bool edge) {
    configure(sgi, intid, edge);
    mmio_write(sgi, dist::ISENABLER, 1u << intid);
}
} // namespace

bool init(VirtAddr gicd, VirtAddr gicr, u64 gicr_size) {
    g_gicd = gicd;
    g_gicr = gicr;
    g_gicr_size = gicr_size;
    VirtAddr rd = find_redistributor(gicr, gicr_size);
    if (!rd) return false;
    g_sgi = rd + kSgiBase;

    // Distributor: affinity routing on, Group 1 enabled. Bit 1 is EnableGrp1A in the
    // Non-secure view and EnableGrp1 with a single security state (DS=1): set both.
    // Every SPI goes to us, the boot CPU.
    mmio_write(gicd, dist::CTLR, 0);
    wait_rwp(gicd);
    u32 lines = ((mmio_read(gicd, dist::TYPER) & 0x1f) + 1) * 32;
    u64 mpidr = LV_READ_SYSREG(mpidr_el1);
    u64 route = (mpidr & 0xffffff) | ((mpidr >> 32 & 0xff) << 32);
    for (u32 i = 32; i < lines; i += 32) {
        mmio_write(gicd, dist::ICENABLER + i / 8, ~0u);
        mmio_write(gicd, dist::ICPENDR + i / 8, ~0u);
        mmio_write(gicd, dist::IGROUPR + i / 8, ~0u);
    }
    for (u32 i = 32; i < lines; i++) *reinterpret_cast<volatile u64*>(gicd + dist::IROUTER + i * 8) = route;
    mmio_write(gicd, dist::CTLR, (1u << 4) | (1u << 1) | (1u << 0)); // ARE_NS, Grp1A, Grp1
    wait_rwp(gicd);

    init_this_cpu(rd);
    return true;
}

void init_cpu(u32 private_enabled, u32 private_edge) {
    VirtAddr rd = find_redistributor(g_gicr, g_gicr_size);
    if (!rd) return; // no interrupts here: smp::init's wait for this CPU still ends
    init_this_cpu(rd);
    for (u32 i = 0; i < 32; i++)
        if (private_enabled & (1u << i)) enable_private(rd + kSgiBase, i, private_edge & (1u << i));
}

void enable(u32 intid, bool edge) {
    if (intid < 32) {
        enable_private(g_sgi, intid, edge);
        return;
    }
    configure(g_gicd, intid, edge);
    mmio_write(g_gicd, dist::ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

void send_sgi(u64 mpidr, u32 intid) {
    // ICC_SGI1R_EL1: Aff3.Aff2.Aff1 name a cluster, the target list a bit per Aff0 in
    // it (Aff0 16-31 etc. through the range selector RS).
    u64 aff0 = mpidr & 0xff;
    u64 v = ((mpidr >> 32 & 0xff) << 48) | ((mpidr >> 16 & 0xff) << 32) | ((aff0 >> 4) << 44) |
            (u64(intid & 0xf) << 24) | ((mpidr >> 8 & 0xff) << 16) | (1u << (aff0 & 0xf));
    // Our earlier stores are visible to the target before it can see the SGI: a system
    // register write is not a memory access, so a dmb would not order it.
    asm volatile("dsb ishst" ::: "memory");
    LV_WRITE_SYSREG(SYS_ICC_SGI1R_EL1, v);
    sysreg::isb();
}

u32 acknowledge() {
    u64 v = LV_READ_SYSREG(SYS_ICC_IAR1_EL1);
    asm volatile("dsb sy" ::: "memory");
    return u32(v & 0xffffff);
}

void end_of_interrupt(u32 intid) {
    LV_WRITE_SYSREG(SYS_ICC_EOIR1_EL1, intid);
    sysreg::isb();
}
} // namespace arch::gic::v3
