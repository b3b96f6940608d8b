// What drivers/ needs from the platform (arch/interface.h, "devices"): device memory,
// barriers, and the memory-mapped devices the device tree lists. Interrupt lines are
// registered in trap/irq.cpp.
#include "../boot/platform.h"
#include "../mm/kernel_map.h"
#include <arch/interface.h>
#include <lib/fdt.h>

namespace arch {
void* map_mmio(PhysAddr base, u64 size) {
    for (size_t i = 0; i < board().ram_count; i++) {
        const MemRange& r = board().ram[i];
        if (base < r.base + r.length && base + size > r.base) return nullptr; // RAM, not registers
    }
    return reinterpret_cast<void*>(kmap::map_mmio(base, size));
}

// DSB, not DMB: it also orders accesses to Device memory (the notify register) after
// the ring updates in Normal memory (Linux's wmb()/rmb() on arm64).
void io_barrier() { asm volatile("dsb sy" ::: "memory"); }

// FIXME: MSIs need a GICv3 ITS (or GICv2m) driver; -M virt's PCIe is not used either.
bool alloc_msi(IrqCallback, void*, MsiMessage&) { return false; }
bool pci_available() { return false; }
u32 pci_config_read(u8, u8, u8, u16) { return 0xffffffff; }
void pci_config_write(u8, u8, u8, u16, u32) {}
bool pci_mmio_window(PhysAddr&, u64&) { return false; }

size_t platform_devices(const char* compatible, PlatformDevice* out, size_t max) {
    const Board& pl = board();
    lv::fdt::Fdt fdt;
    if (!pl.dtb_phys || !fdt.init(kmap::phys_to_ptr<const void>(pl.dtb_phys), pl.dtb_size)) return 0;
    size_t n = 0;
    lv::fdt::Node node;
    lv::StringView compat(compatible, strlen(compatible));
    for (node = fdt.find_compatible(compat); node.valid() && n < max; node = fdt.find_compatible(compat, &node)) {
        lv::fdt::Reg r;
        lv::fdt::Property p;
        if (!node.reg(0, r)) continue;
        if (node.property("status", p) && p.string() != "okay" && p.string() != "ok") continue;
        PlatformDevice& d = out[n++];
        d = {r.base, r.size, 0, false};
        // <type number flags> (bindings/interrupt-controller/arm,gic.yaml): type 0 = SPI
        // (INTID 32 + number); flags 1 and 2 are edge-triggered, 4 and 8 level.
        if (node.property("interrupts", p) && p.cell_count() >= 3 && p.cell(0) == 0) {
            d.irq = p.cell(1) + 32;
            d.edge = (p.cell(2) & 3) != 0;
        }
    }
    return n;
}
} // namespace arch
