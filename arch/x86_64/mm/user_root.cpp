// Per-process page-table roots. The upper half (PML4 entries 256..511) is the kernel's
// and identical everywhere: boot/paging.cpp created all 256 PDPTs up front, so
// copying the entries once is enough and they never need syncing.
#include <arch/pte.h>
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
#include <arch/x86/percpu.h>
#include <kernel/smp.h>
#include <lib/string.h>

namespace arch {
void init_user_root(PhysAddr root) {
    auto* dst = reinterpret_cast<u64*>(kDirectMapBase + root);
    auto* src = reinterpret_cast<const u64*>(kDirectMapBase + x86::g_kernel_root);
    memcpy(dst + 256, src + 256, 256 * sizeof(u64));
}

// root 0: no user half (kernel threads, a process being torn down): the kernel's own
// PML4, whose lower half is empty.
void activate_user_root(PhysAddr root) {
    if (root == 0) root = x86::g_kernel_root;
    __atomic_store_n(&x86::this_percpu().loaded_root, root, __ATOMIC_RELAXED);
    asm volatile("mfence" ::: "memory"); // before any translation through it (flush_tlb_page)
    // Rewriting CR3 flushes the non-global (user) TLB entries; skip it when nothing changes.
    if ((x86::read_cr3() & pte::kAddressMask) != root) x86::write_cr3(root);
}

// TLB shootdown: INVLPG acts on the executing CPU only. Another CPU may cache the entry
// if it has the same root loaded (a thread of the same process runs there), or always
// for a kernel mapping (global entries); those flush it too, through a cross-CPU call
// that returns once they have. A CPU that loads the root later gets the new entry (a
// CR3 load flushes): the entry is written before the loaded roots are read, and each
// CPU records its root before loading it.
namespace {
void flush_page_here(void* va) { x86::invlpg(reinterpret_cast<VirtAddr>(va)); }

struct Range {
    PhysAddr root;
    VirtAddr start, end;
};

// A range on this CPU: page by page, or for a long user range all non-global entries by
// reloading CR3 (only if the root is the one loaded: the TLB holds no other user
// entries). Kernel entries are global, which a CR3 load keeps: always page by page.
void flush_range_here(void* arg) {
    auto& r = *static_cast<const Range*>(arg);
    if ((r.end - r.start) / kPageSize <= kTlbFlushAllPages || r.start >= kUserTop) {
        for (VirtAddr va = r.start; va < r.end; va += kPageSize) x86::invlpg(va);
    } else if ((x86::read_cr3() & pte::kAddressMask) == r.root) {
        x86::write_cr3(x86::read_cr3());
    }
}

// The other CPUs that have `root` loaded (or all of them for a kernel address).
u32 other_cpus_with(PhysAddr root, bool kernel) {
    unsigned n = kernel::smp::online_count();
    if (n < 2) return 0;
    asm volatile("mfence" ::: "memory");
    unsigned me = x86::this_percpu().index;
    u32 targets = 0;
    for (unsigned i = 0; i < n; i++)
        if (i != me && (kernel || __atomic_load_n(&x86::g_percpu[i].loaded_root, __ATOMIC_RELAXED) == root))
            targets |= 1u << i;
    return targets;
}
} // namespace

void flush_tlb_page(PhysAddr root, VirtAddr va) {
    x86::invlpg(va);
    if (u32 targets = other_cpus_with(root, va >= kUserTop))
        kernel::smp::call_on(targets, flush_page_here, reinterpret_cast<void*>(va));
}

void flush_tlb_range(PhysAddr root, VirtAddr start, VirtAddr end) {
    Range r {root, start, end};
    flush_range_here(&r);
    if (u32 targets = other_cpus_with(root, start >= kUserTop)) kernel::smp::call_on(targets, flush_range_here, &r);
}
} // namespace arch

namespace arch {
PhysAddr kernel_root() { return x86::g_kernel_root; }
} // namespace arch
