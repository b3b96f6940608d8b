// The IOAPIC: routes the few legacy interrupts we use (COM1) to the LAPIC.
#include <arch/x86/internal.h>

namespace arch::x86 {
namespace {
// FIXME: the address and the ISA IRQ -> GSI overrides belong to the ACPI MADT; on
// QEMU's pc and q35 machines the IOAPIC is here and IRQs 1..15 except 0 map 1:1.
constexpr PhysAddr kIoApicPhys = 0xfec00000;

void write(u32 reg, u32 v) {
    auto* io = reinterpret_cast<volatile u32*>(kDirectMapBase + kIoApicPhys);
    io[0] = reg;      // IOREGSEL
    io[0x10 / 4] = v; // IOWIN
}
} // namespace

void ioapic_route(unsigned gsi, u8 vector, u32 apic_id, bool level, bool active_low) {
    // Fixed delivery, physical destination, unmasked; edge/active high unless asked.
    write(0x10 + 2 * gsi + 1, apic_id << 24);
    write(0x10 + 2 * gsi, vector | (active_low ? 1u << 13 : 0) | (level ? 1u << 15 : 0));
}
} // namespace arch::x86
