// Stage-1 translation table descriptors, VMSAv8-64 with a 4 KiB granule (Arm ARM
// D8.3). The generic mm walks 4-level user tables (TTBR0) with these; the kernel half
// (TTBR1) is built by arch/aarch64/mm.
#pragma once
#include <arch/page_flags.h>
#include <lib/types.h>

namespace arch {
// MAIR_EL1 attribute indices (programmed in boot/head.S).
constexpr u64 kMairNormal = 0;  // 0xff: write-back, read/write-allocate
constexpr u64 kMairDevice = 1;  // 0x04: Device-nGnRE
constexpr u64 kMairValue = 0x04ffull;
} // namespace arch

namespace arch::pte {
constexpr int kLevels = 4;
constexpr u64 kValid = 1ull << 0;
constexpr u64 kTable = 1ull << 1;    // table (levels 0-2) or page (level 3); 0 = block
constexpr u64 kAttrShift = 2;
constexpr u64 kApUser = 1ull << 6;   // AP[1]: EL0 may access
constexpr u64 kApReadOnly = 1ull << 7; // AP[2]
constexpr u64 kShInner = 3ull << 8;
constexpr u64 kAf = 1ull << 10;      // access flag: set, so no access-flag faults
constexpr u64 kNg = 1ull << 11;      // not global: tagged with the ASID (user pages)
constexpr u64 kPxn = 1ull << 53;
constexpr u64 kUxn = 1ull << 54;
constexpr u64 kAddrMask = 0x0000fffffffff000ull;

inline u64 make_table(PhysAddr next_table) { return (next_table & kAddrMask) | kTable | kValid; }

inline u64 leaf_bits(PageFlags f) {
    u64 e = kValid | kAf | kShInner;
    e |= (f.device ? kMairDevice : kMairNormal) << kAttrShift;
    if (!f.writable) e |= kApReadOnly;
    if (f.user) {
        // The kernel never executes user pages.
        e |= kApUser | kNg | kPxn;
        if (!f.executable) e |= kUxn;
    } else {
        e |= kUxn;
        if (!f.executable) e |= kPxn;
    }
    return e;
}

// A level-3 page descriptor.
inline u64 make_leaf(PhysAddr page, PageFlags f) { return (page & kAddrMask) | leaf_bits(f) | kTable; }

inline bool is_present(u64 e) { return e & kValid; }
inline PhysAddr address(u64 e) { return e & kAddrMask; }
inline PageFlags flags(u64 e) {
    PageFlags f;
    f.writable = !(e & kApReadOnly);
    f.user = e & kApUser;
    f.executable = f.user ? !(e & kUxn) : !(e & kPxn);
    f.device = ((e >> kAttrShift) & 7) == kMairDevice;
    return f;
}
} // namespace arch::pte
