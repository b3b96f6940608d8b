#include <fs/data_pages.h>
#include <fs/page_tree.h>
#include <lib/string.h>

namespace fs {
namespace {
static_assert(PageTree::kFanout * sizeof(void*) == kDataPageSize, "a node is one page");

// Pages covered by one slot of a node at `level` (level 1 slots hold data pages).
u64 slot_span(unsigned level) { return 1ull << (PageTree::kFanoutShift * (level - 1)); }

void** alloc_node() { return reinterpret_cast<void**>(alloc_data_page(true)); }

// Frees what the node at `level` holds at slots covering indexes >= first (relative to
// the node's base). Returns true when the node ended up empty. Counts freed data pages.
bool truncate_node(void** node, unsigned level, u64 first, u64& freed) {
    u64 span = slot_span(level);
    bool empty = true;
    for (u64 i = 0; i < PageTree::kFanout; i++) {
        if (!node[i]) continue;
        u64 start = i * span;
        if (start + span <= first) { empty = false; continue; }
        u64 rel = first > start ? first - start : 0;
        if (level == 1) {
            free_data_page(static_cast<u8*>(node[i]));
            freed++;
            node[i] = nullptr;
        } else if (truncate_node(static_cast<void**>(node[i]), level - 1, rel, freed)) {
            free_data_page(static_cast<u8*>(node[i]));
            node[i] = nullptr;
        } else {
            empty = false;
        }
    }
    return empty;
}

bool find_present(void** node, unsigned level, u64 from, u64 base, u64& out) {
    u64 span = slot_span(level);
    for (u64 i = from >= base ? (from - base) / span : 0; i < PageTree::kFanout; i++) {
        if (!node[i]) continue;
        u64 start = base + i * span;
        if (level == 1) { out = start; return true; }
        if (find_present(static_cast<void**>(node[i]), level - 1, from, start, out)) return true;
    }
    return false;
}
} // namespace

u8* PageTree::get(u64 index) const {
    if (m_height == 0 || index >= (1ull << (kFanoutShift * m_height))) return nullptr;
    void** node = m_root;
    for (unsigned level = m_height; level > 1; level--) {
        node = static_cast<void**>(node[(index / slot_span(level)) % kFanout]);
        if (!node) return nullptr;
    }
    return static_cast<u8*>(node[index % kFanout]);
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
    return static_cast<u8*>(leaf);
}

void PageTree::truncate(u64 first) {
    if (!m_root) return;
    u64 freed = 0;
    if (truncate_node(m_root, m_height, first, freed)) {
        free_data_page(reinterpret_cast<u8*>(m_root));
        m_root = nullptr;
        m_height = 0;
    }
    m_pages -= freed;
}

bool PageTree::remove(u64 index) {
    if (m_height == 0 || index >= (1ull << (kFanoutShift * m_height))) return false;
    void** node = m_root;
    for (unsigned level = m_height; level > 1; level--) {
        node = static_cast<void**>(node[(index / slot_span(level)) % kFanout]);
        if (!node) return false;
    }
    void*& leaf = node[index % kFanout];
    if (!leaf) return false;
    free_data_page(static_cast<u8*>(leaf));
    leaf = nullptr;
    m_pages--;
    return true;
}

bool PageTree::next_present(u64 from, u64& out) const {
    if (!m_root) return false;
    return find_present(m_root, m_height, from, 0, out);
}
} // namespace fs
