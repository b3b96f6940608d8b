// Paging hooks for the generic mm (arch/interface.h): the user half is TTBR0_EL1.
//
// All user address spaces share ASID 0 and their entries are non-global, so switching
// roots invalidates every non-global entry of ASID 0 (TLBI ASIDE1); kernel mappings are
// global and survive. FIXME: per-process ASIDs would avoid the flush on each switch.
//
// That flush is local: a CPU caches user entries only of the root it has loaded, so a
// change to user tables concerns only the CPUs that have that root loaded, and when no
// other CPU has it (the common case: a single-threaded process), the flush of a page
// stays local too. Broadcast TLBIs are dear under QEMU's multi-threaded TCG
// (every CPU stops for each one): a fork write-protects every page of the parent.
#include "../cpu/percpu.h"
#include "kernel_map.h"
#include <arch/interface.h>
#include <arch/pte.h>

namespace arch {
namespace {
inline void tlb_sync() { asm volatile("dsb ish; isb" ::: "memory"); }

// Whether a CPU other than this one may cache entries of `va` (called after the table
// change and a dsb, which pairs with the one in activate_user_root: either we see the
// other CPU's root, or its walks see the new entry).
bool others_may_cache(PhysAddr root, VirtAddr va) {
    if (va >= kUserTop) return true; // kernel entries are global: every CPU has them
    PerCpu* me = &this_percpu();
    for (unsigned i = 0; i < kPerCpuSlots; i++) {
        PerCpu* c = &percpu(i);
        if (c != me && __atomic_load_n(&c->user_root, __ATOMIC_RELAXED) == root) return true;
    }
    return false;
}
} // namespace

void init_user_root(PhysAddr) {
    // Nothing: the kernel half lives in TTBR1, so a user root starts empty.
}

void activate_user_root(PhysAddr root) {
    // 0: a kernel thread, which has no user half: an empty table, so that a stray user
    // access faults instead of walking whatever lies at physical address 0.
    // Published before the switch (others_may_cache), with a full barrier against
    // the table writes of a CPU that reads it.
    __atomic_store_n(&this_percpu().user_root, root, __ATOMIC_RELAXED);
    asm volatile("dsb ish" ::: "memory");
    if (!root) root = kmap::empty_user_root();
    // Always flush, even when `root` is already loaded: its frame may have been freed
    // and reused by a new address space since (stale entries of the old one).
    asm volatile("msr ttbr0_el1, %0; isb; tlbi aside1, xzr; dsb nsh; isb" ::"r"(root) : "memory");
}

// Broadcast (inner shareable) when another CPU may hold the entry: every CPU drops it.
void flush_tlb_page(PhysAddr root, VirtAddr va) {
    // Make the table update visible to the walker first, then drop the old entry
    // (VA[55:12] in bits 43:0, ASID 0 in bits 63:48).
    u64 arg = (va >> 12) & ((1ull << 44) - 1);
    asm volatile("dsb ish" ::: "memory");
    if (others_may_cache(root, va)) {
        asm volatile("tlbi vae1is, %0" ::"r"(arg) : "memory");
        tlb_sync();
    } else {
        asm volatile("tlbi vae1, %0; dsb nsh; isb" ::"r"(arg) : "memory");
    }
}

void flush_tlb_range(PhysAddr root, VirtAddr start, VirtAddr end) {
    asm volatile("dsb ish" ::: "memory");
    bool broadcast = others_may_cache(root, start);
    if ((end - start) / kPageSize > kTlbFlushAllPages && start < kUserTop) {
        // Every user entry (all share ASID 0; kernel entries are global: page by page).
        if (broadcast) {
            asm volatile("tlbi aside1is, xzr" ::: "memory");
            tlb_sync();
        } else {
            asm volatile("tlbi aside1, xzr; dsb nsh; isb" ::: "memory");
        }
        return;
    }
    for (VirtAddr va = start; va < end; va += kPageSize) {
        u64 arg = (va >> 12) & ((1ull << 44) - 1);
        if (broadcast) asm volatile("tlbi vae1is, %0" ::"r"(arg) : "memory");
        else asm volatile("tlbi vae1, %0" ::"r"(arg) : "memory");
    }
    if (broadcast) tlb_sync();
    else asm volatile("dsb nsh; isb" ::: "memory");
}

} // namespace arch

namespace arch {
PhysAddr kernel_root() {
    u64 ttbr1;
    asm volatile("mrs %0, ttbr1_el1" : "=r"(ttbr1));
    return ttbr1 & pte::kAddrMask;
}
} // namespace arch
