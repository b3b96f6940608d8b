// The ELF header checks of the program loader (kernel/elf.cpp).
#include <kernel/elf.h>
#include <gtest/gtest.h>
#include <cerrno> // Errno(EXXX): Linux and the host agree on the values
#include <cstring>
#include <vector>

namespace {
constexpr u16 kMachine = 62;

// A minimal ELF64 image: header + `phnum` program headers, all PT_LOAD unless changed.
struct Builder {
    std::vector<u8> bytes;
    elf::Header h {};
    std::vector<elf::ProgramHeader> ph;

    Builder() {
        memcpy(h.ident, "\x7f" "ELF\x02\x01\x01", 7);
        h.type = elf::kTypeExec;
        h.machine = kMachine;
        h.version = 1;
        h.entry = 0x401000;
        h.phoff = sizeof(elf::Header);
        h.ehsize = sizeof(elf::Header);
        h.phentsize = sizeof(elf::ProgramHeader);
        elf::ProgramHeader text {elf::kPtLoad, elf::kPfR | elf::kPfX, 0, 0x400000, 0x400000, 0x2000, 0x2000, 0x1000};
        elf::ProgramHeader data {elf::kPtLoad, elf::kPfR | elf::kPfW, 0x2000, 0x402000, 0x402000, 0x100, 0x3000, 0x1000};
        ph = {text, data};
    }
    std::vector<u8> build() {
        h.phnum = u16(ph.size());
        bytes.assign(0x3000, 0);
        memcpy(bytes.data(), &h, sizeof h);
        memcpy(bytes.data() + h.phoff, ph.data(), ph.size() * sizeof(elf::ProgramHeader));
        return bytes;
    }
};

ErrorOr<elf::Info> parse(std::vector<u8> b) { return elf::parse(b.data(), b.size(), b.size(), kMachine); }
} // namespace

TEST(Elf, ParsesStaticExecutable) {
    Builder b;
    auto r = parse(b.build());
    ASSERT_FALSE(r.is_error());
    const auto& i = r.value();
    EXPECT_EQ(i.type, elf::kTypeExec);
    EXPECT_EQ(i.entry, 0x401000u);
    EXPECT_EQ(i.segment_count, 2u);
    EXPECT_EQ(i.min_vaddr, 0x400000u);
    EXPECT_EQ(i.max_vaddr, 0x405000u);
    // The program headers are inside the first segment's file image.
    EXPECT_EQ(i.phdr_vaddr, 0x400000u + sizeof(elf::Header));
    EXPECT_FALSE(i.has_interp);
}

TEST(Elf, AcceptsStaticPie) {
    Builder b;
    b.h.type = elf::kTypeDyn;
    b.ph[0].vaddr = 0;
    b.ph[1].vaddr = 0x2000;
    auto r = parse(b.build());
    ASSERT_FALSE(r.is_error());
    EXPECT_EQ(r.value().min_vaddr, 0u);
}

TEST(Elf, RejectsBadMagicClassAndMachine) {
    {
        Builder b;
        auto bytes = b.build();
        bytes[1] = 'X';
        EXPECT_EQ(parse(bytes).error(), Errno(ENOEXEC));
    }
    {
        Builder b;
        b.h.ident[4] = 1; // ELFCLASS32
        EXPECT_EQ(parse(b.build()).error(), Errno(ENOEXEC));
    }
    {
        Builder b;
        b.h.machine = 183; // an aarch64 binary on x86_64
        EXPECT_EQ(parse(b.build()).error(), Errno(ENOEXEC));
    }
    {
        Builder b;
        b.h.type = 1; // ET_REL
        EXPECT_EQ(parse(b.build()).error(), Errno(ENOEXEC));
    }
}

TEST(Elf, RejectsTruncatedAndInconsistentHeaders) {
    Builder b;
    auto bytes = b.build();
    EXPECT_EQ(elf::parse(bytes.data(), 32, bytes.size(), kMachine).error(), Errno(ENOEXEC));
    // Program headers beyond the buffer.
    EXPECT_EQ(elf::parse(bytes.data(), 100, bytes.size(), kMachine).error(), Errno(ENOEXEC));
    {
        Builder c;
        c.ph[1].filesz = 0x4000; // filesz > memsz
        EXPECT_EQ(parse(c.build()).error(), Errno(ENOEXEC));
    }
    {
        Builder c;
        c.ph[1].offset = 0x100000; // beyond the file
        EXPECT_EQ(parse(c.build()).error(), Errno(ENOEXEC));
    }
    {
        Builder c;
        c.ph[1].vaddr = 0x402100; // offset and address disagree modulo the page size
        EXPECT_EQ(parse(c.build()).error(), Errno(ENOEXEC));
    }
    {
        Builder c;
        c.ph[1].vaddr = ~0ull - 0x10; // wraps around
        c.ph[1].offset = 0x2000 + ((~0ull - 0x10) & 0xfff) - 0x2000 % 0x1000;
        EXPECT_EQ(parse(c.build()).error(), Errno(ENOEXEC));
    }
    {
        Builder c;
        c.ph.clear(); // no segments at all
        c.ph.push_back({elf::kPtGnuStack, elf::kPfR | elf::kPfW, 0, 0, 0, 0, 0, 16});
        EXPECT_EQ(parse(c.build()).error(), Errno(ENOEXEC));
    }
}

TEST(Elf, FindsInterpreterAndStackFlags) {
    Builder b;
    b.ph.push_back({elf::kPtInterp, elf::kPfR, 0x200, 0x400200, 0x400200, 28, 28, 1});
    b.ph.push_back({elf::kPtGnuStack, elf::kPfR | elf::kPfW | elf::kPfX, 0, 0, 0, 0, 0, 16});
    auto r = parse(b.build());
    ASSERT_FALSE(r.is_error());
    EXPECT_TRUE(r.value().has_interp);
    EXPECT_EQ(r.value().interp_offset, 0x200u);
    EXPECT_EQ(r.value().interp_size, 28u);
    EXPECT_TRUE(r.value().exec_stack);
}
