// ACPI tables, as far as the kernel reads them: the RSDP (found in the BIOS areas, as
// the ACPI specification's section 5.2.5.1 says), the RSDT/XSDT, and the MADT's
// processor entries (section 5.2.12: Processor Local APIC, type 0; Processor Local
// x2APIC, type 9), and the FADT's PM timer.
#include <arch/x86/internal.h>
#include <lib/string.h>

namespace arch::x86 {
namespace {
struct LV_PACKED Rsdp {
    char signature[8]; // "RSD PTR "
    u8 checksum;
    char oem[6];
    u8 revision; // 0: ACPI 1.0 (RSDT only); 2: XSDT too
    u32 rsdt;
    u32 length;
    u64 xsdt;
    u8 extended_checksum;
    u8 reserved[3];
};
struct LV_PACKED SdtHeader {
    char signature[4];
    u32 length;
    u8 revision, checksum;
    char oem[6], oem_table[8];
    u32 oem_revision, creator, creator_revision;
};
struct LV_PACKED Madt {
    SdtHeader h;
    u32 lapic_address, flags;
    // entries follow: type, length, ...
};

bool sums_to_zero(const void* p, size_t n) {
    u8 sum = 0;
    for (size_t i = 0; i < n; i++) sum += static_cast<const u8*>(p)[i];
    return sum == 0;
}

// A firmware table's bytes: RAM through the direct map, anything else mapped uncached.
const u8* table_at(PhysAddr p, size_t n) {
    if (void* m = map_mmio(p, n)) return static_cast<const u8*>(m);
    return reinterpret_cast<const u8*>(kDirectMapBase + p);
}

const Rsdp* scan_rsdp(PhysAddr base, size_t len) {
    for (PhysAddr p = base; p + sizeof(Rsdp) <= base + len; p += 16) {
        const auto* r = reinterpret_cast<const Rsdp*>(kDirectMapBase + p);
        if (memcmp(r->signature, "RSD PTR ", 8) == 0 && sums_to_zero(r, 20)) return r;
    }
    return nullptr;
}

const Rsdp* find_rsdp() {
    // The first KiB of the EBDA (its segment is at 0x40e), then the BIOS ROM area.
    PhysAddr ebda = PhysAddr(*reinterpret_cast<const u16*>(kDirectMapBase + 0x40e)) << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000)
        if (const Rsdp* r = scan_rsdp(ebda, 1024)) return r;
    return scan_rsdp(0xe0000, 0x20000);
}

// The table with `sig`, through the XSDT (8-byte entries) or the RSDT (4-byte ones).
const SdtHeader* find_table(const char* sig) {
    const Rsdp* r = find_rsdp();
    if (!r) return nullptr;
    bool x = r->revision >= 2 && r->xsdt;
    PhysAddr root = x ? r->xsdt : r->rsdt;
    const auto* h = reinterpret_cast<const SdtHeader*>(table_at(root, sizeof(SdtHeader)));
    if (h->length < sizeof(SdtHeader) || h->length > (1u << 20)) return nullptr;
    const u8* body = table_at(root, h->length) + sizeof(SdtHeader);
    size_t n = (h->length - sizeof(SdtHeader)) / (x ? 8 : 4);
    for (size_t i = 0; i < n; i++) {
        PhysAddr p = 0;
        memcpy(&p, body + i * (x ? 8 : 4), x ? 8 : 4);
        const auto* t = reinterpret_cast<const SdtHeader*>(table_at(p, sizeof(SdtHeader)));
        if (memcmp(t->signature, sig, 4) != 0 || t->length < sizeof(SdtHeader)) continue;
        t = reinterpret_cast<const SdtHeader*>(table_at(p, t->length));
        if (sums_to_zero(t, t->length)) return t;
    }
    return nullptr;
}
} // namespace

u16 acpi_pm_timer(unsigned* bits) {
    // The FADT (section 5.2.9): PM_TMR_BLK at byte 76, PM_TMR_LEN at 91, Flags at 112
    // (bit 8: TMR_VAL_EXT, a 32-bit counter), X_PM_TMR_BLK (a Generic Address
    // Structure: space, width, offset, access size, 64-bit address) at 208.
    const auto* fadt = reinterpret_cast<const u8*>(find_table("FACP"));
    if (!fadt) return 0;
    u32 length = reinterpret_cast<const SdtHeader*>(fadt)->length;
    if (length < 116) return 0;
    u32 flags, block;
    memcpy(&flags, fadt + 112, 4);
    memcpy(&block, fadt + 76, 4);
    u64 port = fadt[91] == 4 ? block : 0;
    if (length >= 220 && fadt[208] == 1) { // X_PM_TMR_BLK in system I/O space
        u64 x;
        memcpy(&x, fadt + 212, 8);
        if (x) port = x;
    }
    if (!port || port > 0xfffc) return 0;
    *bits = flags & (1u << 8) ? 32 : 24;
    return u16(port);
}

size_t acpi_local_apics(u32* ids, size_t max) {
    const auto* madt = reinterpret_cast<const Madt*>(find_table("APIC"));
    if (!madt) return 0;
    constexpr u32 kEnabled = 1; // (bit 1, online capable: a CPU to hot-add later)
    size_t n = 0;
    const u8* p = reinterpret_cast<const u8*>(madt) + sizeof(Madt);
    const u8* end = reinterpret_cast<const u8*>(madt) + madt->h.length;
    while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end && n < max) {
        u32 id = ~0u, flags = 0;
        if (p[0] == 0 && p[1] >= 8) { // Processor Local APIC
            id = p[3];
            memcpy(&flags, p + 4, 4);
        } else if (p[0] == 9 && p[1] >= 16) { // Processor Local x2APIC
            memcpy(&id, p + 4, 4);
            memcpy(&flags, p + 8, 4);
        }
        if (id != ~0u && (flags & kEnabled)) ids[n++] = id;
        p += p[1];
    }
    return n;
}
} // namespace arch::x86
