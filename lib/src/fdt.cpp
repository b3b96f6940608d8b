// Flattened device tree parser; see lib/include/lib/fdt.h.
#include <lib/fdt.h>

namespace lv::fdt {
namespace {
enum : u32 { kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9 };

// The blob is big-endian and only 4-byte aligned in places where 8-byte values live,
// so everything is read bytewise.
u32 be32(const u8* p) { return (u32(p[0]) << 24) | (u32(p[1]) << 16) | (u32(p[2]) << 8) | u32(p[3]); }
u64 be64(const u8* p) { return (u64(be32(p)) << 32) | be32(p + 4); }

u32 align4(u32 v) { return (v + 3) & ~3u; }

// Length of the NUL-terminated string at p, or -1 if there is no NUL within max bytes.
isize bounded_strlen(const u8* p, size_t max) {
    for (size_t i = 0; i < max; i++)
        if (p[i] == 0) return isize(i);
    return -1;
}

struct Header {
    u32 magic, totalsize, off_struct, off_strings, off_rsvmap, version, last_comp_version,
        boot_cpuid, size_strings, size_struct;
};

Header read_header(const u8* b) {
    Header h;
    u32* f = &h.magic;
    for (int i = 0; i < 10; i++) f[i] = be32(b + 4 * i);
    return h;
}
} // namespace

// ------------------------------------------------------------------ Property
u32 Property::cell(u32 i) const {
    if (u64(i) * 4 + 4 > len) return 0;
    return be32(data + 4 * i);
}

u64 Property::cells(u32 first, u32 count) const {
    u64 v = 0;
    for (u32 i = 0; i < count; i++) v = (v << 32) | cell(first + i);
    return v;
}

StringView Property::string() const {
    if (!data || len == 0) return {};
    isize n = bounded_strlen(data, len);
    return {reinterpret_cast<const char*>(data), size_t(n < 0 ? len : u32(n))};
}

bool Property::has_string(StringView s) const {
    u32 pos = 0;
    while (pos < len) {
        isize n = bounded_strlen(data + pos, len - pos);
        if (n < 0) n = isize(len - pos);
        if (StringView(reinterpret_cast<const char*>(data + pos), size_t(n)) == s) return true;
        pos += u32(n) + 1;
    }
    return false;
}

// ------------------------------------------------------------------ Fdt
u32 Fdt::total_size_of(const void* blob) {
    if (!blob) return 0;
    auto* b = static_cast<const u8*>(blob);
    if (be32(b) != kMagic) return 0;
    u32 size = be32(b + 4);
    return size >= 40 ? size : 0;
}

bool Fdt::init(const void* blob, size_t max_size) {
    m_blob = nullptr;
    if (!blob || max_size < 40) return false;
    auto* b = static_cast<const u8*>(blob);
    Header h = read_header(b);
    if (h.magic != kMagic || h.totalsize < 40 || h.totalsize > max_size) return false;
    if (h.version < 16 || h.last_comp_version > 17) return false;
    // Each block must lie inside the blob (64-bit sums: no wrap-around).
    if (u64(h.off_struct) + h.size_struct > h.totalsize) return false;
    if (u64(h.off_strings) + h.size_strings > h.totalsize) return false;
    if (h.off_rsvmap >= h.totalsize || (h.off_struct & 3) || (h.off_rsvmap & 7)) return false;
    m_blob = b;
    m_size = h.totalsize;
    m_struct = b + h.off_struct;
    m_struct_size = h.size_struct;
    m_strings = b + h.off_strings;
    m_strings_size = h.size_strings;
    m_rsvmap_offset = h.off_rsvmap;
    return true;
}

bool Fdt::read_u32(u32 off, u32& v) const {
    if (u64(off) + 4 > m_struct_size) return false;
    v = be32(m_struct + off);
    return true;
}

const char* Fdt::string_at(u32 off, size_t& max_len) const {
    if (off >= m_strings_size) return nullptr;
    max_len = m_strings_size - off;
    return reinterpret_cast<const char*>(m_strings + off);
}

u32 Fdt::first_property(u32 node_offset) const {
    size_t max = m_struct_size - (node_offset + 4);
    isize n = bounded_strlen(m_struct + node_offset + 4, max);
    if (n < 0) return m_struct_size;
    return node_offset + 4 + align4(u32(n) + 1);
}

bool Fdt::next(Cursor& c, Node& out) const {
    if (!valid()) return false;
    for (;;) {
        u32 token;
        if (!read_u32(c.offset, token)) return false;
        if (token == kNop) {
            c.offset += 4;
        } else if (token == kEndNode) {
            if (c.depth == 0) return false;
            c.depth--;
            c.offset += 4;
        } else if (token == kProp) {
            // Properties of a node are consumed when the node is entered; a stray one
            // (malformed blob) is skipped the same way.
            u32 len;
            if (!read_u32(c.offset + 4, len) || u64(c.offset) + 12 + len > m_struct_size) return false;
            c.offset += 12 + align4(len);
        } else if (token == kBeginNode) {
            if (c.depth >= kMaxDepth) return false;
            u32 node_off = c.offset;
            u32 prop_off = first_property(node_off);
            if (prop_off >= m_struct_size) return false;
            int depth = c.depth + 1;
            out = Node {};
            out.fdt = this;
            out.offset = node_off;
            out.depth = depth;
            // Cells declared by the parent; the root's reg (unusual) uses the defaults.
            out.addr_cells = depth > 1 ? c.addr_cells[depth - 1] : 2;
            out.size_cells = depth > 1 ? c.size_cells[depth - 1] : 1;
            c.addr_cells[depth] = u8(out.property_u32("#address-cells", 2));
            c.size_cells[depth] = u8(out.property_u32("#size-cells", 1));
            c.depth = depth;
            c.offset = prop_off;
            return true;
        } else {
            return false; // kEnd or garbage
        }
    }
}

Node Fdt::root() const {
    Cursor c;
    Node n;
    if (next(c, n)) return n;
    return {};
}

Node Fdt::find_path(StringView path) const {
    if (path.empty() || path[0] != '/') return {};
    Cursor c;
    Node n;
    if (!next(c, n)) return {};
    size_t pos = 1;
    while (pos < path.size) {
        size_t end = pos;
        while (end < path.size && path[end] != '/') end++;
        StringView want = path.substr(pos, end - pos);
        int parent_depth = n.depth;
        bool found = false;
        Node child;
        // Scan the parent's subtree for a direct child with that name.
        while (next(c, child) && child.depth > parent_depth) {
            if (child.depth != parent_depth + 1) continue;
            if (child.name() == want || child.base_name() == want) {
                found = true;
                break;
            }
        }
        if (!found) return {};
        n = child;
        pos = end + 1;
    }
    return n;
}

Node Fdt::find_compatible(StringView compat, const Node* after) const {
    Cursor c;
    Node n;
    bool skipping = after != nullptr;
    while (next(c, n)) {
        if (skipping) {
            if (n.offset == after->offset) skipping = false;
            continue;
        }
        if (n.is_compatible(compat)) return n;
    }
    return {};
}

Node Fdt::find_phandle(u32 phandle) const {
    Cursor c;
    Node n;
    while (next(c, n)) {
        if (n.property_u32("phandle", 0) == phandle || n.property_u32("linux,phandle", 0) == phandle)
            return n;
    }
    return {};
}

u32 Fdt::reserved_count() const {
    u32 count = 0;
    Reg r;
    while (reserved(count, r)) count++;
    return count;
}

bool Fdt::reserved(u32 index, Reg& out) const {
    if (!valid()) return false;
    u64 off = u64(m_rsvmap_offset) + u64(index) * 16;
    if (off + 16 > m_size) return false;
    out.base = be64(m_blob + off);
    out.size = be64(m_blob + off + 8);
    return !(out.base == 0 && out.size == 0); // the list ends with a zero entry
}

// ------------------------------------------------------------------ Node
StringView Node::name() const {
    if (!fdt) return {};
    const u8* p = fdt->struct_ptr(offset + 4);
    isize n = bounded_strlen(p, fdt->struct_size() - (offset + 4));
    return {reinterpret_cast<const char*>(p), size_t(n < 0 ? 0 : n)};
}

StringView Node::base_name() const {
    StringView n = name();
    for (size_t i = 0; i < n.size; i++)
        if (n[i] == '@') return n.substr(0, i);
    return n;
}

bool Node::property(StringView want, Property& out) const {
    if (!fdt) return false;
    u32 off = fdt->first_property(offset);
    for (;;) {
        u32 token;
        if (!fdt->read_u32(off, token)) return false;
        if (token == kNop) {
            off += 4;
            continue;
        }
        if (token != kProp) return false; // properties come before child nodes
        u32 len, nameoff;
        if (!fdt->read_u32(off + 4, len) || !fdt->read_u32(off + 8, nameoff)) return false;
        if (u64(off) + 12 + len > fdt->struct_size()) return false;
        size_t max;
        const char* pname = fdt->string_at(nameoff, max);
        if (pname) {
            isize n = bounded_strlen(reinterpret_cast<const u8*>(pname), max);
            if (n >= 0 && StringView(pname, size_t(n)) == want) {
                out.data = fdt->struct_ptr(off + 12);
                out.len = len;
                return true;
            }
        }
        off += 12 + align4(len);
    }
}

bool Node::has_property(StringView name) const {
    Property p;
    return property(name, p);
}

u32 Node::property_u32(StringView name, u32 fallback) const {
    Property p;
    if (!property(name, p) || p.len < 4) return fallback;
    return p.cell(0);
}

bool Node::is_compatible(StringView compat) const {
    Property p;
    return property("compatible", p) && p.has_string(compat);
}

u32 Node::reg_count() const {
    Property p;
    u32 per = u32(addr_cells) + size_cells;
    if (per == 0 || !property("reg", p)) return 0;
    return p.cell_count() / per;
}

bool Node::reg(u32 index, Reg& out) const {
    Property p;
    u32 per = u32(addr_cells) + size_cells;
    if (per == 0 || addr_cells > 2 || size_cells > 2 || !property("reg", p)) return false;
    if (u64(index + 1) * per > p.cell_count()) return false;
    out.base = p.cells(index * per, addr_cells);
    out.size = p.cells(index * per + addr_cells, size_cells);
    return true;
}
} // namespace lv::fdt
