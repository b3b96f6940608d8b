// PCI configuration space through the legacy ports (PCI Local Bus 3.0, 3.2.2.3.2:
// CONFIG_ADDRESS 0xCF8, CONFIG_DATA 0xCFC). It reaches the first 256 bytes of every
// function on pc and q35, which holds everything the drivers read (BARs, the
// capability list, MSI-X). FIXME: PCIe extended config space needs ECAM (q35's
// MMCONFIG, from the ACPI MCFG table).
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <kernel/sync/spinlock.h>

namespace arch {
namespace {
constexpr u16 kConfigAddress = 0xcf8, kConfigData = 0xcfc;

u32 address(u8 bus, u8 dev, u8 fn, u16 offset) {
    return 0x80000000u | u32(bus) << 16 | u32(dev & 31) << 11 | u32(fn & 7) << 8 | (offset & 0xfc);
}
} // namespace

bool pci_available() { return true; }

// The address/data pair is one shared register: keep other threads (and interrupt
// handlers) from interleaving. A leaf lock.
static kernel::Spinlock g_config_lock {"pci config", false};

u32 pci_config_read(u8 bus, u8 dev, u8 fn, u16 offset) {
    kernel::SpinlockLocker l(g_config_lock);
    x86::outl(kConfigAddress, address(bus, dev, fn, offset));
    return x86::inl(kConfigData);
}

void pci_config_write(u8 bus, u8 dev, u8 fn, u16 offset, u32 value) {
    kernel::SpinlockLocker l(g_config_lock);
    x86::outl(kConfigAddress, address(bus, dev, fn, offset));
    x86::outl(kConfigData, value);
}

// Below the IOAPIC (0xfec00000) and above both q35's ECAM window (0xb0000000-0xbfffffff)
// and the RAM QEMU puts below 4 GiB on q35 (at most 0xb0000000) and on pc with up to
// 3 GiB. FIXME: the real holes are in the firmware's memory map and ACPI (_CRS).
bool pci_mmio_window(PhysAddr& base, u64& size) {
    base = 0xc0000000;
    size = 0xfec00000 - base;
    return true;
}

size_t platform_devices(const char*, PlatformDevice*, size_t) { return 0; }
} // namespace arch
