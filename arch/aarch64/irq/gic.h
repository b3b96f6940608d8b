// The GIC (Arm Generic Interrupt Controller), v2 (memory-mapped CPU interface) or v3
// (system-register CPU interface + redistributors), as the DTB says. One CPU; every
// interrupt is routed to it, level/edge as configured, one priority.
#pragma once
#include <lib/types.h>

namespace arch::gic {
constexpr u32 kSpuriousFirst = 1020; // INTIDs 1020-1023 are special/spurious

bool init(); // from board(); false if there is no GIC
void enable(u32 intid, bool edge);
u32 acknowledge();
void end_of_interrupt(u32 intid);

namespace v2 {
bool init(VirtAddr gicd, VirtAddr gicc);
void enable(u32 intid, bool edge);
u32 acknowledge();
void end_of_interrupt(u32 intid);
} // namespace v2
namespace v3 {
bool init(VirtAddr gicd, VirtAddr gicr, u64 gicr_size);
void enable(u32 intid, bool edge);
u32 acknowledge();
void end_of_interrupt(u32 intid);
} // namespace v3

// Distributor registers shared by both versions (GICv3 spec 12.9, GICv2 spec 4.3).
namespace dist {
enum : u32 {
    CTLR = 0x0000, TYPER = 0x0004, IGROUPR = 0x0080, ISENABLER = 0x0100, ICENABLER = 0x0180,
    ICPENDR = 0x0280, IPRIORITYR = 0x0400, ITARGETSR = 0x0800, ICFGR = 0x0c00, IROUTER = 0x6000,
};
}
inline u32 mmio_read(VirtAddr base, u32 off) { return *reinterpret_cast<volatile u32*>(base + off); }
inline void mmio_write(VirtAddr base, u32 off, u32 v) { *reinterpret_cast<volatile u32*>(base + off) = v; }
inline void mmio_write8(VirtAddr base, u32 off, u8 v) { *reinterpret_cast<volatile u8*>(base + off) = v; }
// Sets the trigger mode (ICFGR: 2 bits per interrupt, bit 1 = edge) and priority.
void configure(VirtAddr regs, u32 intid, bool edge);
} // namespace arch::gic
