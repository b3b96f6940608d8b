// ELF64 parsing for the program loader. Pure: validates headers against a buffer that
// holds (at least) the ELF header and program headers; host-tested.
#pragma once
#include <lib/result.h>
#include <lib/types.h>

namespace elf {
constexpr u16 kTypeExec = 2; // ET_EXEC
constexpr u16 kTypeDyn = 3;  // ET_DYN (static-pie, or a dynamic program/interpreter)
constexpr u32 kPtLoad = 1, kPtInterp = 3, kPtPhdr = 6, kPtGnuStack = 0x6474e551;
constexpr u32 kPfX = 1, kPfW = 2, kPfR = 4;

struct Header {
    u8 ident[16];
    u16 type, machine;
    u32 version;
    u64 entry, phoff, shoff;
    u32 flags;
    u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
static_assert(sizeof(Header) == 64);

struct ProgramHeader {
    u32 type, flags;
    u64 offset, vaddr, paddr, filesz, memsz, align;
};
static_assert(sizeof(ProgramHeader) == 56);

struct Segment {
    u64 vaddr, memsz, offset, filesz;
    u32 flags; // PF_*
};

struct Info {
    static constexpr size_t kMaxSegments = 16;
    u16 type = 0;
    u64 entry = 0;
    u64 phoff = 0;
    u16 phnum = 0, phentsize = 0;
    u64 phdr_vaddr = 0; // where the program headers are in memory (before relocation); 0 if not loaded
    Segment segments[kMaxSegments];
    size_t segment_count = 0;
    bool has_interp = false;
    u64 interp_offset = 0, interp_size = 0;
    bool exec_stack = false;
    u64 min_vaddr = 0, max_vaddr = 0; // page-aligned span of the PT_LOAD segments
};

// `data` holds the first `size` bytes of the file (4 KiB is enough for sane files;
// ENOEXEC if the program headers do not fit). `file_size` bounds segment offsets.
ErrorOr<Info> parse(const u8* data, size_t size, u64 file_size, u16 machine);
} // namespace elf
