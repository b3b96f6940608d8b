// A small fixed-capacity set of physical ranges, for turning the firmware memory map
// into BootInfo.usable (add RAM, subtract what is in use).
#pragma once
#include <arch/interface.h>

namespace arch::x86 {
class RangeList {
public:
    static constexpr size_t kCapacity = BootInfo::kMaxRanges;

    size_t count() const { return m_count; }
    const MemRange& operator[](size_t i) const { return m_ranges[i]; }

    // Adds [base, base+len), kept sorted; overlapping or touching ranges merge.
    void add(PhysAddr base, u64 len) {
        if (len == 0) return;
        PhysAddr end = base + len;
        size_t i = 0;
        while (i < m_count && m_ranges[i].base + m_ranges[i].length < base) i++;
        // Merge every range that overlaps or touches [base, end).
        size_t j = i;
        while (j < m_count && m_ranges[j].base <= end) {
            base = min(base, m_ranges[j].base);
            end = max(end, m_ranges[j].base + m_ranges[j].length);
            j++;
        }
        if (j == i) {
            if (m_count == kCapacity) return; // FIXME: drops RAM on absurd memory maps
            for (size_t k = m_count; k > i; k--) m_ranges[k] = m_ranges[k - 1];
            m_count++;
        } else {
            remove(i + 1, j - i - 1);
        }
        m_ranges[i] = {base, end - base};
    }

    // Removes [base, base+len) from every range (splitting where needed).
    void subtract(PhysAddr base, u64 len) {
        if (len == 0) return;
        PhysAddr end = base + len;
        for (size_t i = 0; i < m_count;) {
            PhysAddr rb = m_ranges[i].base, re = rb + m_ranges[i].length;
            if (re <= base || rb >= end) { i++; continue; }
            if (rb < base && re > end) { // split in two
                if (m_count == kCapacity) { m_ranges[i].length = base - rb; return; }
                for (size_t k = m_count; k > i + 1; k--) m_ranges[k] = m_ranges[k - 1];
                m_count++;
                m_ranges[i] = {rb, base - rb};
                m_ranges[i + 1] = {end, re - end};
                return;
            }
            if (rb < base) { m_ranges[i].length = base - rb; i++; continue; }
            if (re > end) { m_ranges[i] = {end, re - end}; i++; continue; }
            remove(i, 1);
        }
    }

    // Shrinks every range to whole pages.
    void page_align() {
        for (size_t i = 0; i < m_count;) {
            PhysAddr b = align_up(m_ranges[i].base, PhysAddr(kPageSize));
            PhysAddr e = align_down(m_ranges[i].base + m_ranges[i].length, PhysAddr(kPageSize));
            if (e <= b) { remove(i, 1); continue; }
            m_ranges[i] = {b, e - b};
            i++;
        }
    }

    bool covers(PhysAddr base, u64 len) const {
        for (size_t i = 0; i < m_count; i++)
            if (m_ranges[i].base <= base && base + len <= m_ranges[i].base + m_ranges[i].length) return true;
        return false;
    }
    bool overlaps(PhysAddr base, u64 len) const {
        for (size_t i = 0; i < m_count; i++)
            if (m_ranges[i].base < base + len && base < m_ranges[i].base + m_ranges[i].length) return true;
        return false;
    }
    PhysAddr end() const { return m_count ? m_ranges[m_count - 1].base + m_ranges[m_count - 1].length : 0; }

private:
    void remove(size_t at, size_t n) {
        for (size_t k = at; k + n < m_count; k++) m_ranges[k] = m_ranges[k + n];
        m_count -= n;
    }
    MemRange m_ranges[kCapacity];
    size_t m_count = 0;
};
} // namespace arch::x86
