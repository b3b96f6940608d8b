// The pages of a ramfs file: a sparse array of 4 KiB pages indexed by page number,
// kept as a radix tree of 512-way nodes (a node is one page of pointers), grown in
// height as the file grows. Missing pages are holes and read as zeros. Host-tested
// (tests/host/page_tree_test.cpp).
#pragma once
#include <lib/result.h>
#include <lib/types.h>

namespace fs {
class PageTree {
public:
    static constexpr unsigned kFanoutShift = 9;
    static constexpr u64 kFanout = 1u << kFanoutShift;
    // Five levels address 2^45 pages (2^57 bytes): beyond that, EFBIG.
    static constexpr unsigned kMaxHeight = 5;
    static constexpr u64 kMaxPages = 1ull << (kFanoutShift * kMaxHeight);

    PageTree() = default;
    PageTree(const PageTree&) = delete;
    PageTree& operator=(const PageTree&) = delete;
    ~PageTree() { truncate(0); }

    // The page at `index`, or null for a hole.
    u8* get(u64 index) const;
    // The page at `index`, allocating a zeroed one for a hole. `zero=false` skips the
    // clearing when the caller overwrites the whole page anyway.
    ErrorOr<u8*> get_or_alloc(u64 index, bool zero = true);
    // Frees every page at index >= first.
    void truncate(u64 first);
    // Frees the page at `index` (a hole afterwards); false if it was one already.
    bool remove(u64 index);
    u64 page_count() const { return m_pages; }
    // First present page at index >= from; false if none (SEEK_DATA).
    bool next_present(u64 from, u64& out) const;
    // A dirty mark per present page (a page cache's pages that differ from the disk),
    // kept in the low bit of the page's pointer. dirty_count() counts the marked pages.
    bool dirty(u64 index) const;
    void set_dirty(u64 index, bool on); // index must be present
    bool next_dirty(u64 from, u64& out) const;
    u64 dirty_count() const { return m_dirty; }

private:
    void** m_root = nullptr;
    unsigned m_height = 0; // a tree of height h holds indexes below 512^h
    u64 m_pages = 0;
    u64 m_dirty = 0;
    void** leaf_slot(u64 index) const; // null when no node holds index
};
} // namespace fs
