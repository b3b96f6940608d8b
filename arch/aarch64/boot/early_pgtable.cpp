// Boot page tables (see early_pgtable.h). Runs with the MMU off: every memory access
// here is to Device memory, so no unaligned accesses (-mstrict-align), no compiler-made
// memset calls, and no absolute addresses (symbols are reached with adrp, which yields
// the physical address before the MMU is on).
#include "early_pgtable.h"
#include <arch/config.h>
#include <arch/pte.h>

extern "C" u8 __image_start[], __text_end[], __rodata_end[], __image_end[];

namespace arch::boot {
extern "C" {
alignas(4096) __attribute__((section(".bss.boot_pgtables"))) u8 boot_pgtable_pool[kPoolPages * 4096];
}

namespace {
constexpr u64 kPage = 4096;
constexpr u64 k2M = 2ull << 20;
constexpr u64 k1G = 1ull << 30;
constexpr u64 kBlock = pte::kValid;               // level 1/2 block descriptor
constexpr u64 kPageDesc = pte::kValid | pte::kTable; // level 3 page descriptor

inline unsigned index_at(u64 va, int level) { return (va >> (39 - 9 * level)) & 511; }

u32 be32(const volatile u8* p) { return (u32(p[0]) << 24) | (u32(p[1]) << 16) | (u32(p[2]) << 8) | p[3]; }

u64 read_id_mmfr0() { u64 v; asm("mrs %0, id_aa64mmfr0_el1" : "=r"(v)); return v; }
u64 read_id_mmfr1() { u64 v; asm("mrs %0, id_aa64mmfr1_el1" : "=r"(v)); return v; }

// Invalidate the data cache over [p, p + n) by VA to the point of coherency: the tables
// were written with the caches off, and stale lines must not shadow them once the
// table walker reads through the cache.
void dcache_invalidate(const void* p, u64 n) {
    u64 ctr;
    asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
    u64 line = 4ull << ((ctr >> 16) & 0xf); // DminLine: log2 of words
    u64 a = reinterpret_cast<u64>(p) & ~(line - 1);
    for (; a < reinterpret_cast<u64>(p) + n; a += line) asm volatile("dc ivac, %0" ::"r"(a) : "memory");
    asm volatile("dsb sy" ::: "memory");
}
} // namespace

PhysAddr TableAlloc::alloc() {
    if (next >= limit) return 0;
    PhysAddr p = pool_phys + u64(next++) * kPage;
    volatile u64* t = table(p);
    for (unsigned i = 0; i < 512; i++) t[i] = 0;
    return p;
}

u64 attrs_kernel_text() { return pte::kAf | pte::kShInner | pte::kApReadOnly | pte::kUxn; }
u64 attrs_kernel_ro() { return pte::kAf | pte::kShInner | pte::kApReadOnly | pte::kUxn | pte::kPxn; }
u64 attrs_kernel_rw() { return pte::kAf | pte::kShInner | pte::kUxn | pte::kPxn; }
u64 attrs_device() { return pte::kAf | (kMairDevice << pte::kAttrShift) | pte::kUxn | pte::kPxn; }

bool map_range(TableAlloc& a, PhysAddr root, u64 va, u64 pa, u64 size, u64 attrs, bool blocks) {
    while (size) {
        volatile u64* table = a.table(root);
        int level = 0;
        for (;;) {
            u64 span = 1ull << (39 - 9 * level);
            unsigned idx = index_at(va, level);
            bool block_ok = blocks && (level == 1 || level == 2) && !(va & (span - 1)) &&
                            !(pa & (span - 1)) && size >= span;
            if (level == 3 || block_ok) {
                table[idx] = pa | attrs | (level == 3 ? kPageDesc : kBlock);
                va += span;
                pa += span;
                size -= span;
                break;
            }
            u64 e = table[idx];
            if (!(e & pte::kValid)) {
                PhysAddr t = a.alloc();
                if (!t) return false;
                e = pte::make_table(t);
                table[idx] = e;
            } else if (!(e & pte::kTable)) {
                return false; // already covered by a block: callers never overlap
            }
            table = a.table(pte::address(e));
            level++;
        }
    }
    return true;
}
} // namespace arch::boot

using namespace arch::boot;

extern "C" void aarch64_early_pgtables(PhysAddr load, PhysAddr dtb, EarlyMmu* out) {
    TableAlloc a {boot_pgtable_pool, reinterpret_cast<PhysAddr>(boot_pgtable_pool), 0, kEarlyPoolPages};
    PhysAddr ttbr1 = a.alloc();
    PhysAddr ttbr0 = a.alloc();
    auto phys = [&](u8* sym) { return reinterpret_cast<PhysAddr>(sym); };
    auto virt = [&](u8* sym) { return arch::kKernelBase + (phys(sym) - load); };

    // The kernel image at kKernelBase, 4 KiB pages: text RX, rodata RO, the rest RW.
    // (No arrays of symbol addresses here: GCC may build them from an initializer in
    // .rodata holding link-time, i.e. virtual, addresses.)
    auto map_part = [&](u8* from, u8* to, u64 attrs) {
        map_range(a, ttbr1, virt(from), phys(from), phys(to) - phys(from), attrs, false);
    };
    map_part(__image_start, __text_end, attrs_kernel_text());
    map_part(__text_end, __rodata_end, attrs_kernel_ro());
    map_part(__rodata_end, __image_end, attrs_kernel_rw());

    // Identity map (2 MiB blocks) of the image, so that the instructions after the MMU
    // is switched on still run, and of the DTB, which boot.cpp parses next.
    u64 start = load & ~(k2M - 1), end = (phys(__image_end) + k2M - 1) & ~(k2M - 1);
    map_range(a, ttbr0, start, start, end - start, attrs_kernel_text() & ~arch::pte::kApReadOnly, true);
    u32 dtb_size = be32(reinterpret_cast<volatile u8*>(dtb)) == 0xd00dfeed
                       ? be32(reinterpret_cast<volatile u8*>(dtb) + 4) : 0;
    if (dtb && dtb_size) {
        u64 ds = dtb & ~(k2M - 1), de = (dtb + dtb_size + k2M - 1) & ~(k2M - 1);
        for (u64 b = ds; b < de; b += k2M) {
            if (b >= start && b < end) continue; // shares a block with the image
            map_range(a, ttbr0, b, b, k2M, attrs_kernel_ro(), true);
        }
    }
    dcache_invalidate(boot_pgtable_pool, u64(kEarlyPoolPages) * kPage);

    u64 mmfr0 = read_id_mmfr0();
    u64 ips = mmfr0 & 7;
    if (ips > 5) ips = 5; // 48-bit output addresses: 52-bit needs a different descriptor format
    u64 tcr = 16 | (16ull << 16)                   // T0SZ = T1SZ = 16: 48-bit VA in both halves
              | (1ull << 8) | (1ull << 10) | (3ull << 12)   // TTBR0 walks: WB WA, inner shareable, 4K
              | (1ull << 24) | (1ull << 26) | (3ull << 28)  // TTBR1 walks: same, TG1 = 4K below
              | (2ull << 30) | (ips << 32)
              | (1ull << 37);                      // TBI0: user pointers may carry a top-byte tag, as on Linux
    if (((mmfr0 >> 4) & 0xf) == 2) tcr |= 1ull << 36; // AS: 16-bit ASIDs
    bool pan = ((read_id_mmfr1() >> 20) & 0xf) != 0;
    // M C SA SA0 EOS I DZE UCT nTWE TSCXT EIS UCI nTLSMD LSMAOE; SPAN clear when PAN
    // exists so that every exception entry sets PSTATE.PAN.
    u64 sctlr = (1ull << 0) | (1ull << 2) | (1ull << 3) | (1ull << 4) | (1ull << 11) | (1ull << 12) |
                (1ull << 14) | (1ull << 15) | (1ull << 18) | (1ull << 20) | (1ull << 22) |
                (1ull << 26) | (1ull << 28) | (1ull << 29);
    if (!pan) sctlr |= 1ull << 23;
    out->ttbr0 = ttbr0;
    out->ttbr1 = ttbr1;
    out->tcr = tcr;
    out->sctlr = sctlr;
}
