#include <kernel/elf.h>
#include <lib/string.h>

namespace elf {
ErrorOr<Info> parse(const u8* data, size_t size, u64 file_size, u16 machine) {
    if (size < sizeof(Header)) return Errno::ENOEXEC;
    Header h;
    memcpy(&h, data, sizeof h);
    if (memcmp(h.ident, "\x7f" "ELF", 4) != 0) return Errno::ENOEXEC;
    // ELFCLASS64, little-endian, EV_CURRENT.
    if (h.ident[4] != 2 || h.ident[5] != 1 || h.ident[6] != 1) return Errno::ENOEXEC;
    if (h.type != kTypeExec && h.type != kTypeDyn) return Errno::ENOEXEC;
    if (h.machine != machine) return Errno::ENOEXEC;
    if (h.phentsize != sizeof(ProgramHeader) || h.phnum == 0 || h.phnum > 256) return Errno::ENOEXEC;
    u64 ph_end = h.phoff + u64(h.phnum) * sizeof(ProgramHeader);
    if (h.phoff >= size || ph_end > size || ph_end < h.phoff) return Errno::ENOEXEC;

    Info info;
    info.type = h.type;
    info.entry = h.entry;
    info.phoff = h.phoff;
    info.phnum = h.phnum;
    info.phentsize = h.phentsize;
    u64 lo = ~0ull, hi = 0;
    for (u16 i = 0; i < h.phnum; i++) {
        ProgramHeader ph;
        memcpy(&ph, data + h.phoff + u64(i) * sizeof ph, sizeof ph);
        switch (ph.type) {
        case kPtLoad: {
            if (ph.memsz == 0) break;
            if (ph.filesz > ph.memsz) return Errno::ENOEXEC;
            u64 end;
            if (__builtin_add_overflow(ph.vaddr, ph.memsz, &end)) return Errno::ENOEXEC;
            if (ph.offset > file_size || ph.filesz > file_size - ph.offset) return Errno::ENOEXEC;
            // Offset and address must agree modulo the page size to be mappable.
            if ((ph.offset & 4095) != (ph.vaddr & 4095)) return Errno::ENOEXEC;
            if (info.segment_count == Info::kMaxSegments) return Errno::ENOEXEC;
            info.segments[info.segment_count++] = {ph.vaddr, ph.memsz, ph.offset, ph.filesz, ph.flags};
            lo = ph.vaddr < lo ? ph.vaddr : lo;
            hi = end > hi ? end : hi;
            // Program headers inside this segment's file image: that is where they are in memory.
            if (!info.phdr_vaddr && h.phoff >= ph.offset && ph_end <= ph.offset + ph.filesz)
                info.phdr_vaddr = ph.vaddr + (h.phoff - ph.offset);
            break;
        }
        case kPtInterp:
            if (ph.offset > file_size || ph.filesz > file_size - ph.offset || ph.filesz < 2 || ph.filesz > 4096)
                return Errno::ENOEXEC;
            info.has_interp = true;
            info.interp_offset = ph.offset;
            info.interp_size = ph.filesz;
            break;
        case kPtPhdr:
            info.phdr_vaddr = ph.vaddr;
            break;
        case kPtGnuStack:
            info.exec_stack = ph.flags & kPfX;
            break;
        default:
            break;
        }
    }
    if (info.segment_count == 0) return Errno::ENOEXEC;
    info.min_vaddr = lo & ~u64(4095);
    info.max_vaddr = (hi + 4095) & ~u64(4095);
    return info;
}
} // namespace elf
