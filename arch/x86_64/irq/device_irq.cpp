// Device interrupts: IDT vectors kVectorDeviceFirst..kVectorDeviceLast are handed out
// on demand, to IOAPIC lines (register_irq_line) or to MSI/MSI-X messages (alloc_msi).
// cpu/traps.cpp calls device_irq() for them.
#include <arch/x86/internal.h>
#include <kernel/sync/giant.h>

namespace arch {
namespace {
struct Slot {
    IrqCallback cb;
    void* ctx;
};
Slot g_slots[x86::kVectorDeviceLast - x86::kVectorDeviceFirst + 1];

// A free vector, or 0. In a giant::Section (one registration at a time); the vector is
// routed to nothing yet, so its handler cannot run while the slot is written.
u8 take_vector(IrqCallback cb, void* ctx) {
    for (unsigned i = 0; i < sizeof g_slots / sizeof g_slots[0]; i++) {
        if (g_slots[i].cb) continue;
        g_slots[i] = {cb, ctx};
        return u8(x86::kVectorDeviceFirst + i);
    }
    return 0;
}
} // namespace

bool register_irq_line(u32 gsi, bool edge, IrqCallback cb, void* ctx) {
    if (!cb || gsi >= x86::kIoApicLines) return false;
    kernel::giant::Section g;
    u8 vector = take_vector(cb, ctx);
    if (!vector) return false;
    // ISA lines are edge/active-high; PCI INTx lines are level/active-low.
    x86::ioapic_route(gsi, vector, x86::lapic_id(), !edge, !edge);
    return true;
}

bool alloc_msi(IrqCallback cb, void* ctx, MsiMessage& out) {
    if (!cb) return false;
    kernel::giant::Section g;
    u8 vector = take_vector(cb, ctx);
    if (!vector) return false;
    // Intel SDM vol. 3, 11.11: address 0xFEE00000 | destination APIC ID << 12 (physical
    // mode); data = vector, fixed delivery, edge. x2APIC IDs above 255 would need
    // interrupt remapping; this CPU's ID fits.
    out.address = 0xfee00000u | (u64(x86::lapic_id() & 0xff) << 12);
    out.data = vector;
    return true;
}
} // namespace arch

namespace arch::x86 {
bool device_irq(u64 vector) {
    if (vector < kVectorDeviceFirst || vector > kVectorDeviceLast) return false;
    const auto& s = g_slots[vector - kVectorDeviceFirst];
    if (s.cb) s.cb(s.ctx);
    return true;
}
} // namespace arch::x86
