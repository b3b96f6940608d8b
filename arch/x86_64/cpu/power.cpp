// Powering the machine off and resetting it under QEMU.
#include <arch/interface.h>
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>

namespace arch {
void poweroff() {
    using namespace x86;
    irq_disable();
    uart_flush();
    // isa-debug-exit (the runner passes -device isa-debug-exit,iobase=0xf4,iosize=4):
    // QEMU exits at once with status 1; the real status travelled on the serial line.
    outl(0xf4, 0);
    // ACPI S5 through PM1a_CNT (SLP_TYP 0 in QEMU's _S5, SLP_EN = bit 13): q35's ICH9
    // PM block is at 0x600, i440fx/PIIX4's at 0xb000.
    // FIXME: read PM1a_CNT and _S5 from the ACPI tables for other machines.
    outw(0x604, 0x2000);
    outw(0xb004, 0x2000);
    halt_forever();
}

void reboot() {
    using namespace x86;
    irq_disable();
    uart_flush();
    // The reset control register of the PIIX/ICH chipsets (0xcf9: full reset), then the
    // keyboard controller's reset line; QEMU started with -no-reboot exits instead.
    outb(0xcf9, 0x02);
    outb(0xcf9, 0x06);
    outb(0x64, 0xfe);
    // FIXME: a triple fault as the last resort on machines with neither.
    halt_forever();
}
} // namespace arch
