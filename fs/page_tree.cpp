#include <fs/data_pages.h>
#include <fs/page_tree.h>
#include <lib/string.h>

namespace fs {
namespace {
static_assert(PageTree::kFanout * sizeof(void*) == kDataPageSize, "a node is one page");

// Pages covered by one slot of a node at `level` (level 1 slots hold data pages).
u64 slot_span(unsigned level) { return 1ull << (PageTree::kFanoutShift * (level - 1)); }

void** alloc_node() { return reinterpret_cast<void**>(alloc_data_page(true)); }

// A leaf entry is a data page's address with the dirty mark in its low bit.
constexpr uptr kDirtyBit = 1;
u8* page_of(void* leaf) { return reinterpret_cast<u8*>(reinterpret_cast<uptr>(leaf) & ~kDirtyBit); }
bool is_dirty(void* leaf) { return reinterpret_cast<uptr>(leaf) & kDirtyBit; }

// Frees what the node at `level` holds at slots covering indexes >= first (relative to
// the node's base). Returns true when the node ended up empty. Counts freed data pages.
bool truncate_node(void** node, unsigned level, u64 first, u64& freed, u64& dirty) {
    u64 span = slot_span(level);
    bool empty = true;
    for (u64 i = 0; i < PageTree::kFanout; i++) {
        if (!node[i]) continue;
        u64 start = i * span;
        if (start + span <= first) { empty = false; continue; }
        u64 rel = first > start ? first - start : 0;
        if (level == 1) {
            if (is_dirty(node[i])) dirty++;
            free_data_page(page_of(node[i]));
            freed++;
            node[i] = nullptr;
        } else if (truncate_node(static_cast<void**>(node[i]), level - 1, rel, freed, dirty)) {
            free_data_page(static_cast<u8*>(node[i]));
            node[i] = nullptr;
        } else {
            empty = false;
        }
    }
    return empty;
}

bool find_present(void** node, unsigned level, u64 from, u64 base, u64& out, bool dirty_only) {
    u64 span = slot_span(level);
    for (u64 i = from >= base ? (from - base) / span : 0; i < PageTree::kFanout; i++) {
        if (!node[i]) continue;
        u64 start = base + i * span;
        if (level == 1) {
            if (dirty_only && !is_dirty(node[i])) continue;
            out = start;
            return true;
        }
        if (find_present(static_cast<void**>(node[i]), level - 1, from, start, out, dirty_only)) return true;
    }
    return false;
}
} // namespace

void** PageTree::leaf_slot(u64 index) const {
    if (m_height == 0 || index >= (1ull << (kFanoutShift * m_height))) return nullptr;
    void** node = m_root;
    for (unsigned level = m_height; level > 1; level--) {
        node = static_cast<void**>(node[(index / slot_span(level)) % kFanout]);
        if (!node) return nullptr;
    }
    return &node[index % kFanout];
}

u8* PageTree::get(u64 index) const {
    void** slot = leaf_slot(index);
    return slot && *slot ? page_of(*slot) : nullptr;
}

bool PageTree::dirty(u64 index) const {
    void** slot = leaf_slot(index);
    return slot && *slot && is_dirty(*slot);
}

void PageTree::set_dirty(u64 index, bool on) {
    void** slot = leaf_slot(index);
    if (!slot || !*slot || is_dirty(*slot) == on) return;
    uptr v = reinterpret_cast<uptr>(*slot);
    *slot = reinterpret_cast<void*>(on ? v | kDirtyBit : v & ~kDirtyBit);
    if (on) m_dirty++;
    else m_dirty--;
}

bool PageTree::next_dirty(u64 from, u64& out) const {
    if (!m_root || !m_dirty) return false;
    return find_present(m_root, m_height, from, 0, out, true);
}

ErrorOr<u8*> PageTree::get_or_alloc(u64 index, bool zero) {
    if (index >= kMaxPages) return Errno::EFBIG;
    // Grow: the old root becomes slot 0 of a new root, until the index fits.
    while (m_height == 0 || index >= (1ull << (kFanoutShift * m_height))) {
        void** root = alloc_node();
        if (!root) return Errno::ENOMEM;
        root[0] = m_root;
        m_root = root;
        m_height++;
        if (m_height == 1) root[0] = nullptr; // a fresh tree: nothing to keep
    }
    void** node = m_root;
    for (unsigned level = m_height; level > 1; level--) {
        void*& slot = node[(index / slot_span(level)) % kFanout];
        if (!slot) {
            slot = alloc_node();
            if (!slot) return Errno::ENOMEM;
        }
        node = static_cast<void**>(slot);
    }
    void*& leaf = node[index % kFanout];
    if (!leaf) {
        leaf = alloc_data_page(zero);
        if (!leaf) return Errno::ENOMEM;
        m_pages++;
    }
    return page_of(leaf);
}

void PageTree::truncate(u64 first) {
    if (!m_root) return;
    u64 freed = 0, dirty = 0;
    if (truncate_node(m_root, m_height, first, freed, dirty)) {
        free_data_page(reinterpret_cast<u8*>(m_root));
        m_root = nullptr;
        m_height = 0;
    }
    m_pages -= freed;
    m_dirty -= dirty;
}

bool PageTree::remove(u64 index) {
    void** slot = leaf_slot(index);
    if (!slot || !*slot) return false;
    if (is_dirty(*slot)) m_dirty--;
    free_data_page(page_of(*slot));
    *slot = nullptr;
    m_pages--;
    return true;
}

bool PageTree::next_present(u64 from, u64& out) const {
    if (!m_root) return false;
    return find_present(m_root, m_height, from, 0, out, false);
}
} // namespace fs
