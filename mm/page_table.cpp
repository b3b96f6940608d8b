#include <arch/interface.h>
#include <arch/pte.h>
#include <mm/page_table.h>
#include <mm/phys.h>

namespace mm {
namespace {
constexpr int kTop = arch::pte::kLevels - 1;
unsigned index_at(VirtAddr va, int level) { return (va >> (12 + 9 * level)) & 511; }
u64* table(PhysAddr pa) { return static_cast<u64*>(phys_to_virt(pa)); }

void free_tables(PhysAddr t, int level) {
    if (level > 0) {
        u64* e = table(t);
        for (int i = 0; i < 512; i++)
            if (arch::pte::is_present(e[i])) free_tables(arch::pte::address(e[i]), level - 1);
    }
    free_frame(t);
}
} // namespace

ErrorOr<PageTable> PageTable::create() {
    PhysAddr root = alloc_zeroed_frame();
    if (!root) return Errno::ENOMEM;
    arch::init_user_root(root);
    PageTable pt;
    pt.m_root = root;
    return pt;
}

void PageTable::destroy() {
    if (!m_root) return;
    // Only the user half: entries for addresses below kUserTop.
    u64* top = table(m_root);
    unsigned user_entries = index_at(arch::kUserTop - 1, kTop) + 1;
    for (unsigned i = 0; i < user_entries; i++)
        if (arch::pte::is_present(top[i])) free_tables(arch::pte::address(top[i]), kTop - 1);
    free_frame(m_root);
    m_root = 0;
}

u64* PageTable::walk(VirtAddr va, bool create) const {
    PhysAddr t = m_root;
    for (int level = kTop; level > 0; level--) {
        u64& e = table(t)[index_at(va, level)];
        if (!arch::pte::is_present(e)) {
            if (!create) return nullptr;
            PhysAddr next = alloc_zeroed_frame();
            if (!next) return nullptr;
            e = arch::pte::make_table(next);
        }
        t = arch::pte::address(e);
    }
    return &table(t)[index_at(va, 0)];
}

ErrorOr<void> PageTable::map(VirtAddr va, PhysAddr pa, PageFlags flags) {
    u64* e = walk(va, true);
    if (!e) return Errno::ENOMEM;
    if (arch::pte::is_present(*e)) return Errno::EEXIST;
    *e = arch::pte::make_leaf(pa, flags);
    return {};
}

void PageTable::changed(VirtAddr va, TlbGather* gather) {
    if (gather) gather->changed(va);
    else arch::flush_tlb_page(m_root, va);
}

PhysAddr PageTable::unmap(VirtAddr va, TlbGather* gather) {
    u64* e = walk(va, false);
    if (!e || !arch::pte::is_present(*e)) return 0;
    PhysAddr pa = arch::pte::address(*e);
    *e = 0;
    changed(va, gather);
    return pa;
}

bool PageTable::protect(VirtAddr va, PageFlags flags, TlbGather* gather) {
    u64* e = walk(va, false);
    if (!e || !arch::pte::is_present(*e)) return false;
    *e = arch::pte::make_leaf(arch::pte::address(*e), flags);
    changed(va, gather);
    return true;
}

void TlbGather::free_after_flush(PhysAddr pa) {
    if (m_count == kMaxFrames) flush();
    m_frames[m_count++] = pa;
}

void TlbGather::flush() {
    if (m_start < m_end) arch::flush_tlb_range(m_pt.root(), m_start, m_end);
    m_start = ~VirtAddr(0);
    m_end = 0;
    for (size_t i = 0; i < m_count; i++) free_frame(m_frames[i]);
    m_count = 0;
}

VirtAddr PageTable::next_mapped(VirtAddr va, VirtAddr end) const {
    va = align_down<u64>(va, kPageSize);
    while (va < end) {
        PhysAddr t = m_root;
        int level = kTop;
        for (;; level--) {
            u64 e = table(t)[index_at(va, level)];
            if (!arch::pte::is_present(e)) break;
            if (level == 0) return va;
            t = arch::pte::address(e);
        }
        // Nothing mapped in the rest of the range this entry covers: skip to its end.
        u64 span = 1ull << (12 + 9 * level);
        VirtAddr next = align_down<u64>(va, span) + span;
        if (next <= va) break; // wrapped past the top
        va = next;
    }
    return end;
}

PageTable::Mapping PageTable::query(VirtAddr va) const {
    u64* e = walk(va, false);
    if (!e || !arch::pte::is_present(*e)) return {};
    return {arch::pte::address(*e), arch::pte::flags(*e)};
}
} // namespace mm
