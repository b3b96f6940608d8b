// x86_64 page-table entry encoding, used by the generic 4-level walker in mm/.
#pragma once
#include <lib/types.h>
#include <arch/page_flags.h>

namespace arch::pte {
constexpr int kLevels = 4;

constexpr u64 kPresent = 1ull << 0;
constexpr u64 kWritable = 1ull << 1;
constexpr u64 kUser = 1ull << 2;
constexpr u64 kWriteThrough = 1ull << 3;
constexpr u64 kCacheDisable = 1ull << 4;
constexpr u64 kAccessed = 1ull << 5;
constexpr u64 kDirty = 1ull << 6;
constexpr u64 kHuge = 1ull << 7; // PS: 2 MiB / 1 GiB leaf in a PD / PDPT
constexpr u64 kGlobal = 1ull << 8;
constexpr u64 kPkeyShift = 59; // bits 59-62: the protection key (with CR4.PKE)
constexpr u64 kNoExecute = 1ull << 63;
constexpr u64 kAddressMask = 0x000ffffffffff000ull;

// kNoExecute if EFER.NXE is on (every CPU QEMU models has NX), else 0: setting bit 63
// without NXE would be a reserved-bit fault.
extern u64 g_nx_bit;

// Intermediate entry: the leaf decides the permissions, so tables allow everything.
inline u64 make_table(PhysAddr next_table) { return next_table | kPresent | kWritable | kUser; }

// 4 KiB leaf. PAT index 3 (PCD|PWT) is uncached with the power-on PAT.
inline u64 make_leaf(PhysAddr page, PageFlags f) {
    u64 e = (page & kAddressMask) | kPresent;
    if (f.writable) e |= kWritable;
    if (f.user) e |= kUser;
    if (!f.executable) e |= g_nx_bit;
    if (f.device) e |= kCacheDisable | kWriteThrough;
    e |= u64(f.pkey & 15) << kPkeyShift;
    return e;
}

inline bool is_present(u64 e) { return e & kPresent; }
inline PhysAddr address(u64 e) { return e & kAddressMask; }
inline PageFlags flags(u64 e) {
    PageFlags f;
    f.writable = e & kWritable;
    f.user = e & kUser;
    f.executable = !(e & kNoExecute);
    f.device = e & kCacheDisable;
    f.pkey = (e >> kPkeyShift) & 15;
    return f;
}
} // namespace arch::pte
