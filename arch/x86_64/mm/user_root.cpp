// Per-process page-table roots. The upper half (PML4 entries 256..511) is the kernel's
// and identical everywhere: boot/paging.cpp created all 256 PDPTs up front, so
// copying the entries once is enough and they never need syncing.
#include <arch/pte.h>
#include <arch/x86/cpu.h>
#include <arch/x86/internal.h>
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
    // Rewriting CR3 flushes the non-global (user) TLB entries; skip it when nothing changes.
    if ((x86::read_cr3() & pte::kAddressMask) != root) x86::write_cr3(root);
}

void flush_tlb_page(VirtAddr va) { x86::invlpg(va); }

// Kernel mappings are global (CR4.PGE), so reloading CR3 drops only user entries.
void flush_tlb_all_user() { x86::write_cr3(x86::read_cr3()); }
} // namespace arch

namespace arch {
PhysAddr kernel_root() { return x86::g_kernel_root; }
} // namespace arch
