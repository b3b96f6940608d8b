// PCI: enumeration of the functions behind the arch's configuration-space access
// (arch::pci_config_read/write), their BARs (assigned from arch::pci_mmio_window when
// firmware left them unassigned), capabilities and MSI-X.
// Reference: PCI Local Bus Specification 3.0, chapter 6; PCI Express Base 4.0, 7.7.2.
#pragma once
#include <arch/interface.h>
#include <lib/types.h>

namespace drivers::pci {
// Configuration-space offsets (type 0 header).
enum : u16 {
    kVendorId = 0x00, kDeviceId = 0x02, kCommand = 0x04, kStatus = 0x06, kRevision = 0x08,
    kProgIf = 0x09, kSubclass = 0x0a, kClass = 0x0b, kHeaderType = 0x0e, kBar0 = 0x10,
    kSubsysVendor = 0x2c, kSubsysId = 0x2e, kCapPointer = 0x34, kInterruptLine = 0x3c,
    kInterruptPin = 0x3d,
    kSecondaryBus = 0x19, // type 1 (bridge) header
};
enum : u16 { kCmdIo = 1, kCmdMemory = 2, kCmdBusMaster = 4, kCmdIntxDisable = 0x400 };
enum : u16 { kStatusCapList = 0x10 };
enum : u8 { kCapMsi = 0x05, kCapVendor = 0x09, kCapMsix = 0x11 };

struct Bar {
    PhysAddr base = 0; // 0: absent (or an I/O BAR, which drivers here do not use)
    u64 size = 0;
    bool io = false;
    bool is64 = false;
};

struct Function {
    u8 bus = 0, dev = 0, fn = 0;
    u16 vendor = 0, device = 0, subsys_vendor = 0, subsys_id = 0;
    u8 class_code = 0, subclass = 0, prog_if = 0, revision = 0;
    Bar bars[6];

    u32 read32(u16 off) const { return arch::pci_config_read(bus, dev, fn, off & ~3); }
    u16 read16(u16 off) const { return u16(read32(off) >> ((off & 2) * 8)); }
    u8 read8(u16 off) const { return u8(read32(off) >> ((off & 3) * 8)); }
    void write32(u16 off, u32 v) const { arch::pci_config_write(bus, dev, fn, off & ~3, v); }
    void write16(u16 off, u16 v) const;

    // The offset of the first capability with this id after `after` (0: from the
    // start); 0 when there is none.
    u8 find_capability(u8 id, u8 after = 0) const;
    // Memory decoding and bus mastering (DMA) on; legacy INTx off when `no_intx`.
    void enable(bool no_intx) const;
    // Maps memory BAR `i` (all of it); null if it is absent.
    void* map_bar(int i) const;
};

// A driver: `probe` is offered every function found; it returns true if it took it.
struct Driver {
    const char* name;
    bool (*probe)(Function& f);
};

// Walks bus 0 and the buses behind bridges that firmware numbered, fixing up BARs,
// and offers each function to the drivers in order.
void enumerate(const Driver* drivers, size_t count);

// MSI-X (PCI 3.0, 6.8.2): a table of address/data entries in one of the BARs.
class MsiX {
public:
    // Finds the capability and maps the table; false if the function has none.
    bool init(Function& f);
    u16 table_size() const { return m_size; }
    // Points entry `index` at a new interrupt that calls cb(ctx); false when the arch
    // has no vectors left.
    bool route(u16 index, arch::IrqCallback cb, void* ctx);
    void enable(); // MSI-X on, function unmasked (entries routed before stay unmasked)

private:
    Function* m_fn = nullptr;
    u8 m_cap = 0;
    u16 m_size = 0;
    volatile u32* m_table = nullptr;
};
} // namespace drivers::pci
