// The user half of a process's page tables: 4 levels of 512 entries, 4 KiB pages,
// walked generically; the entry encoding is the arch's (<arch/pte.h>). Intermediate
// tables are freed with the PageTable; the leaf frames belong to the AddressSpace.
#pragma once
#include <arch/config.h>
#include <arch/page_flags.h>
#include <lib/result.h>
#include <lib/types.h>

namespace mm {
class TlbGather;

class PageTable {
public:
    static ErrorOr<PageTable> create();
    PageTable() = default;
    PageTable(PageTable&& o) : m_root(o.m_root) { o.m_root = 0; }
    PageTable& operator=(PageTable&& o) { lv_swap(o); return *this; }
    PageTable(const PageTable&) = delete;
    ~PageTable() { destroy(); }

    // Maps one page, replacing nothing: EEXIST if va is already mapped.
    ErrorOr<void> map(VirtAddr va, PhysAddr pa, PageFlags flags);
    // Removes the mapping of va; returns the frame it mapped, or 0. Flushes the TLB, or
    // leaves the flush to `gather` (this table's) in loops over many pages.
    PhysAddr unmap(VirtAddr va, TlbGather* gather = nullptr);
    // Changes the flags of a present mapping; false if none. Flushes as unmap does.
    bool protect(VirtAddr va, PageFlags flags, TlbGather* gather = nullptr);
    struct Mapping {
        PhysAddr pa = 0;
        PageFlags flags;
    };
    // pa == 0 when va is not mapped.
    Mapping query(VirtAddr va) const;
    // The lowest mapped page in [va, end), or end when there is none. Absent tables are
    // skipped whole, so walking a huge sparse range costs what is mapped in it, not its
    // size (a 128 TiB munmap or fork of a huge MAP_NORESERVE region must not hang).
    // `end` must not exceed kUserTop.
    VirtAddr next_mapped(VirtAddr va, VirtAddr end) const;

    PhysAddr root() const { return m_root; }

private:
    void lv_swap(PageTable& o) { PhysAddr t = m_root; m_root = o.m_root; o.m_root = t; }
    void destroy();
    u64* walk(VirtAddr va, bool create) const;
    void changed(VirtAddr va, TlbGather* gather); // an entry of va was changed or removed
    PhysAddr m_root = 0;
};

// Linux's mmu_gather, in its simplest form: entries removed or changed in a loop are
// dropped from every CPU's TLB once, as one range, instead of one cross-CPU request per
// page; and the frames they mapped go back only after that (through a stale entry,
// another CPU could still write a frame already handed out again). flush() runs when
// the frame list is full and at the end of the scope. Used under the address space's
// lock, like the table itself.
class TlbGather {
public:
    explicit TlbGather(PageTable& pt) : m_pt(pt) {}
    ~TlbGather() { flush(); }
    TlbGather(const TlbGather&) = delete;
    TlbGather& operator=(const TlbGather&) = delete;

    void changed(VirtAddr va) {
        if (va < m_start) m_start = va;
        if (va + arch::kPageSize > m_end) m_end = va + arch::kPageSize;
    }
    // A frame to give back (mm::free_frame: one reference) once the range is flushed.
    void free_after_flush(PhysAddr pa);
    void flush();

private:
    static constexpr size_t kMaxFrames = 64;
    PageTable& m_pt;
    VirtAddr m_start = ~VirtAddr(0), m_end = 0;
    PhysAddr m_frames[kMaxFrames];
    size_t m_count = 0;
};
} // namespace mm
