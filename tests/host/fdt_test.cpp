// lib/fdt: the device-tree parser the aarch64 boot code uses. Blobs are built here by a
// small writer that follows the Devicetree Specification v0.4, chapter 5.
#include <gtest/gtest.h>
#include <lib/fdt.h>

#include <string>
#include <vector>

using namespace lv::fdt;

namespace {
class Builder {
public:
    Builder& begin(const std::string& name) {
        u32(1);
        bytes(name.c_str(), name.size() + 1);
        pad();
        return *this;
    }
    Builder& end() {
        u32(2);
        return *this;
    }
    Builder& nop() {
        u32(4);
        return *this;
    }
    Builder& prop(const std::string& name, const void* data, size_t len) {
        u32(3);
        u32(uint32_t(len));
        u32(string_offset(name));
        bytes(data, len);
        pad();
        return *this;
    }
    Builder& cells(const std::string& name, std::vector<uint32_t> v) {
        std::vector<uint8_t> b;
        for (uint32_t c : v) {
            b.push_back(c >> 24);
            b.push_back(c >> 16);
            b.push_back(c >> 8);
            b.push_back(c);
        }
        return prop(name, b.data(), b.size());
    }
    // Strings separated by '\0' (the final NUL is added).
    Builder& str(const std::string& name, const std::string& s) { return prop(name, s.c_str(), s.size() + 1); }
    Builder& reserve(uint64_t base, uint64_t size) {
        m_rsv.push_back({base, size});
        return *this;
    }

    std::vector<uint8_t> finish() {
        u32(9); // FDT_END
        std::vector<uint8_t> out(40);
        auto put32 = [&](size_t at, uint32_t v) {
            out[at] = v >> 24; out[at + 1] = v >> 16; out[at + 2] = v >> 8; out[at + 3] = v;
        };
        auto append64 = [&](uint64_t v) {
            for (int i = 7; i >= 0; i--) out.push_back(uint8_t(v >> (8 * i)));
        };
        uint32_t rsv = 40;
        for (auto& r : m_rsv) append64(r.first), append64(r.second);
        append64(0), append64(0);
        uint32_t st = uint32_t(out.size());
        out.insert(out.end(), m_struct.begin(), m_struct.end());
        uint32_t strs = uint32_t(out.size());
        out.insert(out.end(), m_strings.begin(), m_strings.end());
        put32(0, kMagic);
        put32(4, uint32_t(out.size()));
        put32(8, st);
        put32(12, strs);
        put32(16, rsv);
        put32(20, 17);
        put32(24, 16);
        put32(28, 0);
        put32(32, uint32_t(m_strings.size()));
        put32(36, uint32_t(m_struct.size()));
        return out;
    }

private:
    void u32(uint32_t v) {
        uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
        bytes(b, 4);
    }
    void bytes(const void* p, size_t n) {
        auto* b = static_cast<const uint8_t*>(p);
        m_struct.insert(m_struct.end(), b, b + n);
    }
    void pad() {
        while (m_struct.size() % 4) m_struct.push_back(0);
    }
    uint32_t string_offset(const std::string& name) {
        uint32_t off = uint32_t(m_strings.size()); // no sharing: simple and still valid
        m_strings.insert(m_strings.end(), name.begin(), name.end());
        m_strings.push_back(0);
        return off;
    }
    std::vector<uint8_t> m_struct, m_strings;
    std::vector<std::pair<uint64_t, uint64_t>> m_rsv;
};

// Shaped like QEMU -M virt's tree.
std::vector<uint8_t> virt_like() {
    Builder b;
    b.begin("")
        .cells("#address-cells", {2})
        .cells("#size-cells", {2})
        .str("compatible", "linux,dummy-virt")
        .begin("psci").str("compatible", std::string("arm,psci-1.0\0arm,psci-0.2\0arm,psci", 34)).str("method", "hvc").end()
        .begin("memory@40000000").str("device_type", "memory").cells("reg", {0, 0x40000000, 0, 0x20000000}).end()
        .begin("chosen")
        .str("bootargs", "console=ttyAMA0 foo=bar")
        .cells("linux,initrd-start", {0x48000000})
        .cells("linux,initrd-end", {0, 0x48001234})
        .str("stdout-path", "/pl011@9000000")
        .end()
        .begin("pl011@9000000")
        .nop()
        .str("compatible", std::string("arm,pl011\0arm,primecell", 23))
        .cells("reg", {0, 0x09000000, 0, 0x1000})
        .cells("interrupts", {0, 1, 4})
        .end()
        .begin("intc@8000000")
        .str("compatible", "arm,gic-v3")
        .cells("phandle", {0x8002})
        .cells("reg", {0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0xf60000})
        .end()
        .begin("soc")
        .cells("#address-cells", {1})
        .cells("#size-cells", {1})
        .begin("rtc@9010000").str("compatible", "arm,pl031").cells("reg", {0x09010000, 0x1000}).end()
        .end()
        .end();
    b.reserve(0x40000000, 0x10000);
    return b.finish();
}
} // namespace

TEST(Fdt, RejectsBadHeaders) {
    std::vector<uint8_t> blob = virt_like();
    Fdt f;
    EXPECT_TRUE(f.init(blob.data(), blob.size()));
    EXPECT_EQ(f.total_size(), blob.size());
    EXPECT_EQ(Fdt::total_size_of(blob.data()), blob.size());
    EXPECT_FALSE(f.init(blob.data(), blob.size() - 1)); // totalsize beyond what we may read
    EXPECT_FALSE(f.init(nullptr));

    std::vector<uint8_t> bad = blob;
    bad[0] ^= 0xff; // magic
    EXPECT_FALSE(f.init(bad.data(), bad.size()));
    EXPECT_FALSE(f.valid());
    EXPECT_EQ(Fdt::total_size_of(bad.data()), 0u);

    bad = blob;
    bad[36] = 0x7f; // size_dt_struct far past the end
    EXPECT_FALSE(f.init(bad.data(), bad.size()));

    bad = blob;
    bad[23] = 15; // version 15
    EXPECT_FALSE(f.init(bad.data(), bad.size()));
}

TEST(Fdt, WalksNodesWithDepth) {
    std::vector<uint8_t> blob = virt_like();
    Fdt f;
    ASSERT_TRUE(f.init(blob.data(), blob.size()));
    Cursor c;
    Node n;
    std::vector<std::string> names;
    std::vector<int> depths;
    while (f.next(c, n)) {
        names.emplace_back(n.name().data, n.name().size);
        depths.push_back(n.depth);
    }
    std::vector<std::string> want = {"", "psci", "memory@40000000", "chosen", "pl011@9000000", "intc@8000000", "soc",
                                     "rtc@9010000"};
    EXPECT_EQ(names, want);
    EXPECT_EQ(depths, (std::vector<int> {1, 2, 2, 2, 2, 2, 2, 3}));
}

TEST(Fdt, FindsPathsAndProperties) {
    std::vector<uint8_t> blob = virt_like();
    Fdt f;
    ASSERT_TRUE(f.init(blob.data(), blob.size()));
    Node chosen = f.find_path("/chosen");
    ASSERT_TRUE(chosen.valid());
    Property p;
    ASSERT_TRUE(chosen.property("bootargs", p));
    EXPECT_TRUE(p.string() == "console=ttyAMA0 foo=bar");
    ASSERT_TRUE(chosen.property("linux,initrd-start", p));
    EXPECT_EQ(p.cells(0, p.cell_count()), 0x48000000u);
    ASSERT_TRUE(chosen.property("linux,initrd-end", p));
    EXPECT_EQ(p.cells(0, p.cell_count()), 0x48001234u);
    EXPECT_FALSE(chosen.property("nonexistent", p));

    EXPECT_TRUE(f.find_path("/").valid());
    EXPECT_TRUE(f.find_path("/soc/rtc").valid());          // unit address optional
    EXPECT_TRUE(f.find_path("/soc/rtc@9010000").valid());
    EXPECT_TRUE(f.find_path("/pl011@9000000").valid());
    EXPECT_FALSE(f.find_path("/rtc").valid());             // not a child of the root
    EXPECT_FALSE(f.find_path("/soc/rtc/x").valid());
    EXPECT_FALSE(f.find_path("chosen").valid());

    EXPECT_EQ(f.root().property_u32("#address-cells", 0), 2u);
    EXPECT_EQ(f.find_path("/soc").property_u32("#size-cells", 0), 1u);
}

TEST(Fdt, RegUsesTheParentsCellSizes) {
    std::vector<uint8_t> blob = virt_like();
    Fdt f;
    ASSERT_TRUE(f.init(blob.data(), blob.size()));
    Reg r;
    Node mem = f.find_path("/memory");
    ASSERT_TRUE(mem.reg(0, r));
    EXPECT_EQ(r.base, 0x40000000u);
    EXPECT_EQ(r.size, 0x20000000u);
    EXPECT_FALSE(mem.reg(1, r));

    Node rtc = f.find_compatible("arm,pl031");
    ASSERT_TRUE(rtc.valid());
    EXPECT_EQ(rtc.addr_cells, 1);
    ASSERT_TRUE(rtc.reg(0, r));
    EXPECT_EQ(r.base, 0x09010000u);
    EXPECT_EQ(r.size, 0x1000u);

    Node gic = f.find_compatible("arm,gic-v3");
    EXPECT_EQ(gic.reg_count(), 2u);
    ASSERT_TRUE(gic.reg(1, r));
    EXPECT_EQ(r.base, 0x080a0000u);
    EXPECT_EQ(r.size, 0xf60000u);
}

TEST(Fdt, CompatibleListsAndPhandles) {
    std::vector<uint8_t> blob = virt_like();
    Fdt f;
    ASSERT_TRUE(f.init(blob.data(), blob.size()));
    Node psci = f.find_compatible("arm,psci-0.2"); // second string of the list
    ASSERT_TRUE(psci.valid());
    Property m;
    ASSERT_TRUE(psci.property("method", m));
    EXPECT_TRUE(m.string() == "hvc");
    Node uart = f.find_compatible("arm,primecell");
    ASSERT_TRUE(uart.valid());
    EXPECT_TRUE(uart.name() == "pl011@9000000");
    EXPECT_TRUE(uart.base_name() == "pl011");
    EXPECT_FALSE(f.find_compatible("arm,primecell", &uart).valid()); // nothing after it
    EXPECT_FALSE(f.find_compatible("arm,pl0").valid());              // whole strings only
    Property irq;
    ASSERT_TRUE(uart.property("interrupts", irq));
    EXPECT_EQ(irq.cell(1), 1u);
    EXPECT_EQ(irq.cell(5), 0u); // out of range reads as 0
    EXPECT_TRUE(f.find_phandle(0x8002).is_compatible("arm,gic-v3"));
    EXPECT_FALSE(f.find_phandle(0x1234).valid());
}

TEST(Fdt, MemoryReservations) {
    std::vector<uint8_t> blob = virt_like();
    Fdt f;
    ASSERT_TRUE(f.init(blob.data(), blob.size()));
    EXPECT_EQ(f.reserved_count(), 1u);
    Reg r;
    ASSERT_TRUE(f.reserved(0, r));
    EXPECT_EQ(r.base, 0x40000000u);
    EXPECT_EQ(r.size, 0x10000u);
    EXPECT_FALSE(f.reserved(1, r));
}

TEST(Fdt, TruncatedStructureBlockEndsTheWalk) {
    // A property whose length runs past the structure block must not be read.
    Builder b;
    b.begin("").cells("#address-cells", {1}).begin("a").str("x", "y").end().end();
    std::vector<uint8_t> blob = b.finish();
    Fdt f;
    ASSERT_TRUE(f.init(blob.data(), blob.size()));
    uint32_t st = (uint32_t(blob[8]) << 24) | (uint32_t(blob[9]) << 16) | (uint32_t(blob[10]) << 8) | blob[11];
    // First token of the root is BEGIN_NODE + "\0" padded (8 bytes); then the property:
    // token, len, nameoff. Make len huge.
    blob[st + 8 + 4] = 0x7f;
    ASSERT_TRUE(f.init(blob.data(), blob.size()));
    Node root = f.root();
    ASSERT_TRUE(root.valid());
    Property p;
    EXPECT_FALSE(root.property("#address-cells", p));
    EXPECT_EQ(root.property_u32("#address-cells", 42), 42u);
    Cursor c;
    Node n;
    int count = 0;
    while (f.next(c, n)) count++;
    EXPECT_EQ(count, 1); // the walk stops at the corrupt property
}

TEST(Fdt, StringHelpersStayInsideTheValue) {
    const char unterminated[] = {'a', 'b', 'c'};
    Property p {reinterpret_cast<const u8*>(unterminated), 3};
    EXPECT_TRUE(p.string() == "abc");
    EXPECT_TRUE(p.has_string("abc"));
    EXPECT_FALSE(p.has_string("ab"));
    Property empty;
    EXPECT_TRUE(empty.string().empty());
    EXPECT_FALSE(empty.has_string(""));
}
