// PCI enumeration and BAR set-up; see pci.h.
#include <drivers/pci/pci.h>
#include <kernel/log.h>

namespace drivers::pci {
namespace {
// Bump allocator over the arch's free window, for BARs firmware left at 0.
struct Window {
    PhysAddr next = 0, end = 0;
    bool ready = false;
    PhysAddr take(u64 size) {
        if (!ready) {
            ready = true;
            u64 len;
            if (arch::pci_mmio_window(next, len)) end = next + len;
        }
        PhysAddr b = align_up(next, size); // BARs are naturally aligned
        if (!size || b + size > end || b < next) return 0;
        next = b + size;
        return b;
    }
    void reserve(PhysAddr base, u64 size) {
        // Keep clear of what firmware assigned (it may lie inside the window).
        if (!ready) take(0), ready = true;
        if (base + size > next && base < end) next = base + size;
    }
};
Window g_window;

// Sizes BAR i (PCI 3.0, 6.2.5.1): write all ones, read back the size mask. Decoding is
// off meanwhile so that the device does not answer at the temporary address.
void probe_bar(Function& f, int& i) {
    u16 off = u16(kBar0 + 4 * i);
    u32 orig = f.read32(off);
    f.write32(off, 0xffffffff);
    u32 mask = f.read32(off);
    f.write32(off, orig);
    Bar& b = f.bars[i];
    if (orig & 1) { // I/O space
        b.io = true;
        b.base = orig & ~3u;
        b.size = mask ? (~(mask & ~3u) + 1) & 0xffff : 0;
        return;
    }
    b.is64 = ((orig >> 1) & 3) == 2;
    u64 base = orig & ~0xfull, size_mask = mask & ~0xfull;
    if (b.is64 && i < 5) {
        u16 hi = u16(off + 4);
        u32 orig_hi = f.read32(hi);
        f.write32(hi, 0xffffffff);
        u32 mask_hi = f.read32(hi);
        f.write32(hi, orig_hi);
        base |= u64(orig_hi) << 32;
        size_mask |= u64(mask_hi) << 32;
        i++; // the upper half takes the next slot
    } else {
        size_mask |= 0xffffffff00000000ull;
    }
    if (!(mask & ~0xfu) && !b.is64) return; // not implemented
    b.size = ~size_mask + 1;
    b.base = base;
}

void assign_bar(Function& f, int i) {
    Bar& b = f.bars[i];
    if (b.io || !b.size) return;
    if (b.base) {
        g_window.reserve(b.base, b.size);
        log_info("pci %02x:%02x.%x: BAR%d at 0x%lx (%lu KiB, firmware's)", f.bus, f.dev, f.fn, i, b.base, b.size >> 10);
        return;
    }
    PhysAddr at = g_window.take(b.size);
    if (!at) {
        log_warn("pci %02x:%02x.%x: no room for BAR%d (%lu bytes)", f.bus, f.dev, f.fn, i, b.size);
        return;
    }
    u16 off = u16(kBar0 + 4 * i);
    f.write32(off, u32(at) | (f.read32(off) & 0xf));
    if (b.is64) f.write32(u16(off + 4), u32(at >> 32));
    b.base = at;
    log_info("pci %02x:%02x.%x: BAR%d assigned 0x%lx (%lu KiB)", f.bus, f.dev, f.fn, i, b.base, b.size >> 10);
}

void read_function(Function& f) {
    f.vendor = f.read16(kVendorId);
    f.device = f.read16(kDeviceId);
    f.revision = f.read8(kRevision);
    f.prog_if = f.read8(kProgIf);
    f.subclass = f.read8(kSubclass);
    f.class_code = f.read8(kClass);
    if ((f.read8(kHeaderType) & 0x7f) != 0) return; // bridges: no BARs used here
    f.subsys_vendor = f.read16(kSubsysVendor);
    f.subsys_id = f.read16(kSubsysId);
    u16 cmd = f.read16(kCommand);
    f.write16(kCommand, cmd & ~(kCmdIo | kCmdMemory));
    for (int i = 0; i < 6; i++) probe_bar(f, i);
    // Firmware's assignments first, then the rest.
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 6; i++)
            if ((pass == 0) == (f.bars[i].base != 0)) assign_bar(f, i);
    f.write16(kCommand, cmd);
}

void scan_bus(u8 bus, const Driver* drivers, size_t count, int depth);

void scan_function(u8 bus, u8 dev, u8 fn, const Driver* drivers, size_t count, int depth) {
    Function f;
    f.bus = bus, f.dev = dev, f.fn = fn;
    read_function(f);
    log_info("pci %02x:%02x.%x: %04x:%04x class %02x%02x", bus, dev, fn, f.vendor, f.device, f.class_code,
             f.subclass);
    if ((f.read8(kHeaderType) & 0x7f) == 1) { // PCI-to-PCI bridge
        u8 secondary = f.read8(kSecondaryBus);
        // FIXME: numbering buses and programming bridge windows ourselves; firmware
        // (SeaBIOS, qboot with its bridges) normally has.
        if (secondary > bus && depth < 8) scan_bus(secondary, drivers, count, depth + 1);
        else log_warn("pci %02x:%02x.%x: bridge without a bus number: not scanned", bus, dev, fn);
        return;
    }
    for (size_t i = 0; i < count; i++)
        if (drivers[i].probe(f)) {
            log_info("pci %02x:%02x.%x: driven by %s", bus, dev, fn, drivers[i].name);
            return;
        }
}

void scan_bus(u8 bus, const Driver* drivers, size_t count, int depth) {
    for (u8 dev = 0; dev < 32; dev++) {
        if (arch::pci_config_read(bus, dev, 0, kVendorId) == 0xffffffff) continue;
        bool multi = (arch::pci_config_read(bus, dev, 0, 0x0c) >> 16) & 0x80;
        for (u8 fn = 0; fn < (multi ? 8 : 1); fn++) {
            if ((arch::pci_config_read(bus, dev, fn, kVendorId) & 0xffff) == 0xffff) continue;
            scan_function(bus, dev, fn, drivers, count, depth);
        }
    }
}
} // namespace

void Function::write16(u16 off, u16 v) const {
    u32 old = read32(off);
    unsigned shift = (off & 2) * 8;
    // Writing back the status half would clear its write-1-to-clear bits: zero them.
    if ((off & ~3) == kCommand) old &= 0xffff;
    write32(off, (old & ~(0xffffu << shift)) | (u32(v) << shift));
}

u8 Function::find_capability(u8 id, u8 after) const {
    if (!(read16(kStatus) & kStatusCapList)) return 0;
    u8 off = after ? read8(u16(after + 1)) : read8(kCapPointer);
    for (int guard = 0; off >= 0x40 && guard < 48; guard++) { // a loop in a broken list ends
        off &= 0xfc;
        if (read8(off) == id) return off;
        off = read8(u16(off + 1));
    }
    return 0;
}

void Function::enable(bool no_intx) const {
    u16 cmd = read16(kCommand) | kCmdMemory | kCmdBusMaster;
    if (no_intx) cmd |= kCmdIntxDisable;
    write16(kCommand, cmd);
}

void* Function::map_bar(int i) const {
    if (i < 0 || i > 5 || bars[i].io || !bars[i].base || !bars[i].size) return nullptr;
    return arch::map_mmio(bars[i].base, bars[i].size);
}

void enumerate(const Driver* drivers, size_t count) {
    if (!arch::pci_available()) return;
    scan_bus(0, drivers, count, 0);
}
} // namespace drivers::pci
