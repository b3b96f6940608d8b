// The legacy 8259 PICs: remapped away from the exception vectors (a spurious IRQ 7 or
// 15 would otherwise look like #DF or #GP), then fully masked. Interrupts come from
// the LAPIC and the IOAPIC.
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>

namespace arch::x86 {
void pic_disable() {
    constexpr u16 kMasterCmd = 0x20, kMasterData = 0x21, kSlaveCmd = 0xa0, kSlaveData = 0xa1;
    outb(kMasterCmd, 0x11); // ICW1: initialise, ICW4 follows
    outb(kSlaveCmd, 0x11);
    outb(kMasterData, kVectorPicBase);     // ICW2: vector base
    outb(kSlaveData, kVectorPicBase + 8);
    outb(kMasterData, 4); // ICW3: slave on IRQ 2
    outb(kSlaveData, 2);
    outb(kMasterData, 1); // ICW4: 8086 mode
    outb(kSlaveData, 1);
    outb(kMasterData, 0xff); // mask everything
    outb(kSlaveData, 0xff);
}
} // namespace arch::x86
