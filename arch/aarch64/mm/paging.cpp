// Paging hooks for the generic mm (arch/interface.h): the user half is TTBR0_EL1.
//
// All user address spaces share ASID 0 and their entries are non-global, so switching
// roots invalidates every non-global entry of ASID 0 (TLBI ASIDE1); kernel mappings are
// global and survive. FIXME: per-process ASIDs would avoid the flush on each switch.
#include "kernel_map.h"
#include <arch/interface.h>
#include <arch/pte.h>

namespace arch {
namespace {
inline void tlb_sync() { asm volatile("dsb ish; isb" ::: "memory"); }
} // namespace

void init_user_root(PhysAddr) {
    // Nothing: the kernel half lives in TTBR1, so a user root starts empty.
}

void activate_user_root(PhysAddr root) {
    // 0: a kernel thread, which has no user half: an empty table, so that a stray user
    // access faults instead of walking whatever lies at physical address 0.
    if (!root) root = kmap::empty_user_root();
    // Always flush, even when `root` is already loaded: its frame may have been freed
    // and reused by a new address space since (stale entries of the old one).
    asm volatile("dsb ishst; msr ttbr0_el1, %0; isb; tlbi aside1is, xzr" ::"r"(root) : "memory");
    tlb_sync();
}

// Broadcast (inner shareable): every CPU drops the entry, whatever root it belongs to.
void flush_tlb_page(PhysAddr, VirtAddr va) {
    // Make the table update visible to the walker first, then drop the old entry
    // (VA[55:12] in bits 43:0, ASID 0 in bits 63:48).
    u64 arg = (va >> 12) & ((1ull << 44) - 1);
    asm volatile("dsb ishst; tlbi vae1is, %0" ::"r"(arg) : "memory");
    tlb_sync();
}

} // namespace arch

namespace arch {
PhysAddr kernel_root() {
    u64 ttbr1;
    asm volatile("mrs %0, ttbr1_el1" : "=r"(ttbr1));
    return ttbr1 & pte::kAddrMask;
}
} // namespace arch
