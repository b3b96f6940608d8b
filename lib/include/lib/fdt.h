// A small read-only parser for flattened device trees (the DTB a boot loader hands to
// the kernel; format: Devicetree Specification v0.4, chapter 5). No allocation, no arch
// code, every access bounds-checked against the blob's totalsize, so a corrupt blob
// yields "not found" rather than a wild read. Host-tested in tests/host/fdt_test.cpp.
//
// Nodes are found by walking the structure block in order (Fdt::next), which also
// tracks the #address-cells/#size-cells in force for each node's "reg".
#pragma once
#include <lib/string.h>
#include <lib/types.h>

namespace lv::fdt {
constexpr u32 kMagic = 0xd00dfeed;
constexpr int kMaxDepth = 16;

struct Reg {
    u64 base = 0;
    u64 size = 0;
};

// A property value: big-endian cells and/or NUL-separated strings.
struct Property {
    const u8* data = nullptr;
    u32 len = 0;

    u32 cell(u32 i) const; // i-th 32-bit cell, 0 if out of range
    // `count` cells (1 or 2) starting at cell `first`, as one number.
    u64 cells(u32 first, u32 count) const;
    u32 cell_count() const { return len / 4; }
    // The first string (properties like "bootargs", "method").
    StringView string() const;
    // True if `s` is one of the NUL-separated strings ("compatible" lists).
    bool has_string(StringView s) const;
};

class Fdt;

struct Node {
    const Fdt* fdt = nullptr;
    u32 offset = 0;       // of the FDT_BEGIN_NODE token
    int depth = 0;        // the root is 1
    u8 addr_cells = 2;    // #address-cells / #size-cells of the parent: they size "reg"
    u8 size_cells = 1;

    bool valid() const { return fdt != nullptr; }
    StringView name() const;        // "memory@40000000"; "" for the root
    StringView base_name() const;   // without the "@unit" part
    bool property(StringView name, Property& out) const;
    bool has_property(StringView name) const;
    u32 property_u32(StringView name, u32 fallback) const;
    bool is_compatible(StringView compat) const;
    // The index-th (base, size) pair of "reg".
    bool reg(u32 index, Reg& out) const;
    u32 reg_count() const;
};

// Walk state for Fdt::next(): position in the structure block and, for each open node,
// the cell sizes it declares for its children.
struct Cursor {
    u32 offset = 0;
    int depth = 0;
    u8 addr_cells[kMaxDepth + 1] = {};
    u8 size_cells[kMaxDepth + 1] = {};
};

class Fdt {
public:
    // Checks the header (magic, version >= 16, offsets inside totalsize). Returns false
    // for anything that is not a usable DTB; the object is then empty.
    bool init(const void* blob, size_t max_size = ~size_t(0));
    bool valid() const { return m_blob != nullptr; }
    // Reads only the header: 0 if `blob` does not start with a plausible DTB.
    static u32 total_size_of(const void* blob);
    u32 total_size() const { return m_size; }
    const void* blob() const { return m_blob; }

    // Depth-first, document order. Start with a default Cursor; returns false at the end.
    bool next(Cursor& c, Node& out) const;
    Node root() const;
    // "/chosen", "/cpus/cpu@0": each component matches a node name with or without @unit.
    Node find_path(StringView path) const;
    // The first node after `after` (or from the start) whose compatible lists `compat`.
    Node find_compatible(StringView compat, const Node* after = nullptr) const;
    Node find_phandle(u32 phandle) const;

    // The memory reservation block (/memreserve/ entries).
    u32 reserved_count() const;
    bool reserved(u32 index, Reg& out) const;

    // Internal accessors used by Node.
    bool read_u32(u32 struct_offset, u32& v) const;
    const char* string_at(u32 strings_offset, size_t& max_len) const;
    const u8* struct_ptr(u32 offset) const { return m_struct + offset; }
    u32 struct_size() const { return m_struct_size; }
    // Offset of the first property token of the node whose BEGIN_NODE is at `node_offset`.
    u32 first_property(u32 node_offset) const;

private:
    const u8* m_blob = nullptr;
    u32 m_size = 0;
    const u8* m_struct = nullptr;
    u32 m_struct_size = 0;
    const u8* m_strings = nullptr;
    u32 m_strings_size = 0;
    u32 m_rsvmap_offset = 0;
};
} // namespace lv::fdt
