// The GIC (Arm Generic Interrupt Controller), v2 (memory-mapped CPU interface) or v3
// (system-register CPU interface + redistributors), as the DTB says. Device interrupts
// (SPIs) are all routed to the boot CPU; every CPU has the same SGIs and PPIs enabled
// (the timer, the IPI), level/edge as configured, one priority.
#pragma once
#include <lib/types.h>

namespace arch::gic {
constexpr u32 kSpuriousFirst = 1020; // INTIDs 1020-1023 are special/spurious
constexpr u32 kIpiSgi = 1;           // the SGI arch::send_ipi raises

bool init(); // from board(), on the boot CPU; false if there is no GIC
// On a CPU other than the boot CPU (`index` as arch::start_cpu numbers it): its CPU
// interface, and the SGIs/PPIs enabled on the boot CPU so far enabled here too.
void init_cpu(unsigned index);
// SGIs/PPIs (< 32): on the calling CPU (and on the CPUs init_cpu sets up later).
void enable(u32 intid, bool edge);
// Raises SGI `intid` on CPU `index`, whose MPIDR affinity is `mpidr`. Stores made
// before it are visible to the target when it takes the interrupt.
void send_sgi(unsigned index, u64 mpidr, u32 intid);
// The interrupt taken, as end_of_interrupt wants it back (GICv2 adds the sending CPU
// of an SGI in bits 12:10); intid_of() is its INTID.
u32 acknowledge();
u32 intid_of(u32 ack);
void end_of_interrupt(u32 ack);

namespace v2 {
bool init(VirtAddr gicd, VirtAddr gicc);
void init_cpu(unsigned index, u32 private_enabled, u32 private_edge);
void enable(u32 intid, bool edge);
void send_sgi(unsigned index, u32 intid);
u32 acknowledge();
void end_of_interrupt(u32 ack);
} // namespace v2
namespace v3 {
bool init(VirtAddr gicd, VirtAddr gicr, u64 gicr_size);
void init_cpu(u32 private_enabled, u32 private_edge);
void enable(u32 intid, bool edge);
void send_sgi(u64 mpidr, u32 intid);
u32 acknowledge();
void end_of_interrupt(u32 ack);
} // namespace v3

// Distributor registers shared by both versions (GICv3 spec 12.9, GICv2 spec 4.3).
namespace dist {
enum : u32 {
    CTLR = 0x0000, TYPER = 0x0004, IGROUPR = 0x0080, ISENABLER = 0x0100, ICENABLER = 0x0180,
    ICPENDR = 0x0280, IPRIORITYR = 0x0400, ITARGETSR = 0x0800, ICFGR = 0x0c00, SGIR = 0x0f00,
    IROUTER = 0x6000,
};
}
inline u32 mmio_read(VirtAddr base, u32 off) { return *reinterpret_cast<volatile u32*>(base + off); }
inline void mmio_write(VirtAddr base, u32 off, u32 v) { *reinterpret_cast<volatile u32*>(base + off) = v; }
inline void mmio_write8(VirtAddr base, u32 off, u8 v) { *reinterpret_cast<volatile u8*>(base + off) = v; }
// Sets the trigger mode (ICFGR: 2 bits per interrupt, bit 1 = edge) and priority.
void configure(VirtAddr regs, u32 intid, bool edge);
} // namespace arch::gic
