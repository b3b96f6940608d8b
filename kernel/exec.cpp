#include <arch/interface.h>
#include <fs/file.h>
#include <fs/kernel_api.h>
#include <kernel/elf.h>
#include <kernel/exec.h>
#include <kernel/log.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <kernel/user_strings.h>
#include <lib/alloc.h>
#include <lib/own_ptr.h>
#include <lib/string.h>
#include <mm/address_space.h>

namespace kernel {
namespace {
constexpr size_t kHeaderBytes = 4096;
constexpr u64 kStackSize = 8ull << 20; // RLIMIT_STACK default

// Linux's ELF_ET_DYN_BASE: PIE programs load at 2/3 of the user address space.
VirtAddr dyn_base() { return (arch::kUserTop / 3 * 2) & ~((2ull << 20) - 1); }
// The interpreter goes below the mmap area, well away from the program.
VirtAddr interp_base(mm::AddressSpace& as) { return (as.mmap_top() - (1ull << 30)) & ~((2ull << 20) - 1); }

enum AuxType : u64 {
    AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
    AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15,
    AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31,
    AT_MINSIGSTKSZ = 51,
};

u32 prot_of(u32 pflags) {
    u32 p = 0;
    if (pflags & elf::kPfR) p |= mm::kProtRead;
    if (pflags & elf::kPfW) p |= mm::kProtWrite;
    if (pflags & elf::kPfX) p |= mm::kProtExec;
    return p;
}

struct Loaded {
    elf::Info info;
    VirtAddr bias = 0; // load address minus link address
    VirtAddr start_code = ~VirtAddr(0), end_code = 0; // the executable segments' file parts
};

// Copies [off, off + n) of the file to dst in the new address space.
ErrorOr<void> copy_from_file(mm::AddressSpace& as, fs::Inode& inode, u64 off, VirtAddr dst, u64 n) {
    constexpr size_t kChunk = 64 * 1024;
    lv::OwnPtr<u8> buf(static_cast<u8*>(kmalloc(min<u64>(kChunk, max<u64>(n, 1)))));
    if (!buf) return Errno::ENOMEM;
    for (u64 done = 0; done < n;) {
        size_t chunk = min<u64>(kChunk, n - done);
        size_t r = TRY(fs::read_inode(inode, off + done, buf.get(), chunk));
        if (r != chunk) return Errno::EIO;
        TRY(as.poke(dst + done, buf.get(), chunk));
        done += chunk;
    }
    return {};
}

ErrorOr<void> zero_fill(mm::AddressSpace& as, VirtAddr dst, u64 n) {
    static const u8 zeros[512] = {};
    for (u64 done = 0; done < n;) {
        size_t chunk = min<u64>(sizeof zeros, n - done);
        TRY(as.poke(dst + done, zeros, chunk));
        done += chunk;
    }
    return {};
}

// Maps the program's segments. A file whose data are pages of a memory object (ramfs)
// is mapped privately, as Linux's elf_map: its pages are shared with the file (and with
// every process running it) until written; the bss past the file's part of its last page
// is zeroed there (which copies that page), the rest is anonymous memory. Other files
// are copied.
ErrorOr<Loaded> load_elf(mm::AddressSpace& as, fs::Inode& inode, const char* path, bool is_interp) {
    u64 size = fs::inode_size(inode);
    lv::OwnPtr<u8> header(static_cast<u8*>(kmalloc(kHeaderBytes)));
    if (!header) return Errno::ENOMEM;
    size_t got = TRY(fs::read_inode(inode, 0, header.get(), kHeaderBytes));
    Loaded l;
    l.info = TRY(elf::parse(header.get(), got, size, arch::kElfMachine));
    if (l.info.type == elf::kTypeDyn)
        l.bias = (is_interp ? interp_base(as) : dyn_base()) - l.info.min_vaddr;
    auto file = TRY(fs::file_for_exec(inode, path));

    VirtAddr prev_end = 0;
    u32 prev_prot = 0;
    for (size_t i = 0; i < l.info.segment_count; i++) {
        const elf::Segment& s = l.info.segments[i];
        VirtAddr seg = s.vaddr + l.bias;
        VirtAddr start = align_down<u64>(seg, arch::kPageSize);
        VirtAddr end = align_up<u64>(seg + s.memsz, arch::kPageSize);
        if (end > arch::kUserTop || end <= start) return Errno::ENOEXEC;
        u32 prot = prot_of(s.flags);
        if (s.flags & elf::kPfX) {
            l.start_code = min(l.start_code, seg);
            l.end_code = max(l.end_code, seg + s.filesz);
        }
        if (start < prev_end) {
            // Two segments share a page (possible without -z separate-code): the shared
            // page gets both protections.
            TRY(as.protect(start, arch::kPageSize, prot | prev_prot));
            start = prev_end;
        }
        // The file's part can be mapped when its offset and address agree in the page.
        bool by_file = file && s.offset % arch::kPageSize == seg % arch::kPageSize;
        VirtAddr file_end = seg + s.filesz;
        VirtAddr file_map_end = by_file ? min(end, align_up<u64>(file_end, arch::kPageSize)) : start;
        if (file_map_end > start) {
            u64 pgoff = (s.offset - (seg - align_down<u64>(seg, arch::kPageSize))) / arch::kPageSize +
                        (start - align_down<u64>(seg, arch::kPageSize)) / arch::kPageSize;
            mm::FileMapping backing {file.get(), pgoff, true};
            TRY(as.map(start, file_map_end - start, prot, mm::kMapPrivate | mm::kMapFixed, "", backing));
        }
        if (end > max(start, file_map_end)) {
            VirtAddr from = max(start, file_map_end);
            // Anonymous when mapped next to the file's pages (bss); the whole segment's
            // copy otherwise.
            u32 anon = by_file ? u32(mm::kMapAnonymous) : 0u;
            TRY(as.map(from, end - from, prot, mm::kMapPrivate | mm::kMapFixed | anon));
        }
        prev_end = max(prev_end, end);
        prev_prot = prot;

        if (!by_file) {
            // The file image; the rest (bss) is zero because pages start zeroed.
            TRY(copy_from_file(as, inode, s.offset, seg, s.filesz));
            continue;
        }
        // Bytes of this segment in a page the previous segment mapped: copied there.
        if (seg < start) TRY(copy_from_file(as, inode, s.offset, seg, min(start, file_end) - seg));
        // With a bss, the rest of the file part's last page is zeroed, to the page's end
        // (Linux's padzero): past the bss too, where ld.so's first allocations go.
        if (s.memsz > s.filesz) {
            VirtAddr z_end = align_up<u64>(file_end, arch::kPageSize);
            if (z_end > file_end) TRY(zero_fill(as, file_end, z_end - file_end));
        }
    }
    return l;
}

// Pushes bytes below sp (in the new address space) and returns their address.
struct StackBuilder {
    mm::AddressSpace& as;
    VirtAddr sp;
    ErrorOr<VirtAddr> push_bytes(const void* data, size_t n) {
        sp -= n;
        TRY(as.poke(sp, data, n));
        return sp;
    }
    ErrorOr<VirtAddr> push_string(const char* s) { return push_bytes(s, strlen(s) + 1); }
};

ErrorOr<VirtAddr> build_stack(mm::AddressSpace& as, const Loaded& prog, VirtAddr interp_bias, bool has_interp,
                              const char* execfn, const char* const* argv, size_t argc, const char* const* envp,
                              size_t envc) {
    VirtAddr top = arch::kUserTop;
    TRY(as.map(top - kStackSize, kStackSize, mm::kProtRead | mm::kProtWrite,
               mm::kMapPrivate | mm::kMapAnonymous | mm::kMapFixed | mm::kMapGrowsDown, "[stack]"));
    StackBuilder b {as, top - 16};

    // execve checked Linux's limits on the strings (kernel/user_strings.h); this bounds
    // what any caller can put on the stack to the largest argument space.
    size_t total = strlen(execfn) + 1 + (argc + envc) * sizeof(u64);
    for (size_t i = 0; i < argc; i++) total += strlen(argv[i]) + 1;
    for (size_t i = 0; i < envc; i++) total += strlen(envp[i]) + 1;
    if (total > kMaxArgSpace) return Errno::E2BIG;

    VirtAddr execfn_addr = TRY(b.push_string(execfn));
    // Strings: envp above argv, as Linux lays them out.
    lv::OwnPtr<u64> ptrs(static_cast<u64*>(kmalloc((argc + envc + 2) * sizeof(u64))));
    if (!ptrs) return Errno::ENOMEM;
    u64* argv_ptrs = ptrs.get();
    u64* envp_ptrs = ptrs.get() + argc + 1;
    for (size_t i = envc; i-- > 0;) envp_ptrs[i] = TRY(b.push_string(envp[i]));
    for (size_t i = argc; i-- > 0;) argv_ptrs[i] = TRY(b.push_string(argv[i]));
    argv_ptrs[argc] = 0;
    envp_ptrs[envc] = 0;
    VirtAddr platform = TRY(b.push_string(arch::platform()));
    u8 random[16];
    kernel::random::fill(random, sizeof random);
    VirtAddr random_addr = TRY(b.push_bytes(random, sizeof random));

    const elf::Info& info = prog.info;
    VirtAddr phdr = info.phdr_vaddr ? info.phdr_vaddr + prog.bias : 0;
    // The ids the new image runs with: the caller's (execve), or a kernel thread's root
    // ones (the first process). AT_SECURE as Linux's commoncap sets it without file
    // capabilities: when the effective ids differ from the real ones.
    kernel::Thread& self = kernel::current_thread();
    kernel::Credentials ids = self.process() ? self.process()->creds() : kernel::Credentials {};
    bool secure = ids.euid != ids.uid || ids.egid != ids.gid;
    u64 auxv[][2] = {
        {AT_PHDR, phdr},
        {AT_PHENT, info.phentsize},
        {AT_PHNUM, info.phnum},
        {AT_PAGESZ, arch::kPageSize},
        {AT_BASE, has_interp ? interp_bias : 0},
        {AT_FLAGS, 0},
        {AT_ENTRY, info.entry + prog.bias},
        {AT_UID, ids.uid}, {AT_EUID, ids.euid}, {AT_GID, ids.gid}, {AT_EGID, ids.egid},
        {AT_SECURE, secure},
        {AT_HWCAP, arch::hwcap()},
        {AT_HWCAP2, arch::hwcap2()},
        {AT_CLKTCK, 100},
        {AT_PLATFORM, platform},
        {AT_RANDOM, random_addr},
        {AT_EXECFN, execfn_addr},
        {AT_MINSIGSTKSZ, arch::signal_frame_max()},
        {AT_NULL, 0},
    };
    size_t words = 1 + (argc + 1) + (envc + 1) + sizeof(auxv) / sizeof(u64);
    // The final sp (at argc) must be 16-byte aligned.
    b.sp = align_down<u64>(b.sp - words * 8, 16) + words * 8;
    TRY(b.push_bytes(auxv, sizeof auxv));
    TRY(b.push_bytes(envp_ptrs, (envc + 1) * 8));
    TRY(b.push_bytes(argv_ptrs, (argc + 1) * 8));
    u64 argc64 = argc;
    return TRY(b.push_bytes(&argc64, 8));
}
} // namespace

ErrorOr<Image> load_image(const char* path, const char* const* argv, size_t argc, const char* const* envp,
                          size_t envc) {
    auto inode = TRY(fs::lookup_path(path));
    return load_image(*inode, path, argv, argc, envp, envc);
}

ErrorOr<Image> load_image(fs::Inode& inode, const char* path, const char* const* argv, size_t argc,
                          const char* const* envp, size_t envc) {
    TRY(fs::check_executable(inode));
    mm::AddressSpace* as = TRY(mm::AddressSpace::create());
    auto fail = [as](Errno e) -> ErrorOr<Image> { lv::destroy(as); return e; }; // its only reference

    auto prog = load_elf(*as, inode, path, false);
    if (prog.is_error()) return fail(prog.error());
    Loaded p = prog.release_value();
    VirtAddr entry = p.info.entry + p.bias;
    VirtAddr interp_bias = 0;
    if (p.info.has_interp) {
        char interp[4097];
        size_t n = min<u64>(p.info.interp_size, sizeof interp - 1);
        auto r = fs::read_inode(inode, p.info.interp_offset, interp, n);
        if (r.is_error()) return fail(r.error());
        interp[n] = 0;
        auto interp_inode = fs::lookup_path(interp);
        if (interp_inode.is_error()) return fail(interp_inode.error());
        auto li = load_elf(*as, *interp_inode.value(), interp, true);
        if (li.is_error()) return fail(li.error() == Errno::ENOEXEC ? Errno::ELIBBAD : li.error());
        interp_bias = li.value().bias;
        entry = li.value().info.entry + interp_bias;
    }
    auto sp = build_stack(*as, p, interp_bias, p.info.has_interp, path, argv, argc, envp, envc);
    if (sp.is_error()) return fail(sp.error());

    // The sigreturn trampoline page, just below the stack's reach.
    size_t tramp_size = 0;
    const u8* tramp = arch::sigreturn_trampoline(tramp_size);
    VirtAddr tramp_addr = arch::kUserTop - kStackSize - (64u << 10);
    auto t = as->map(tramp_addr, arch::kPageSize, mm::kProtRead | mm::kProtExec, mm::kMapPrivate | mm::kMapFixed, "[sigpage]");
    if (t.is_error()) return fail(t.error());
    if (auto w = as->poke(tramp_addr, tramp, tramp_size); w.is_error()) return fail(w.error());

    Image img;
    img.as = as;
    img.sigreturn_trampoline = tramp_addr;
    img.entry = entry;
    img.stack_pointer = sp.value();
    img.brk_start = align_up<u64>(p.info.max_vaddr + p.bias, arch::kPageSize);
    as->set_brk_start(img.brk_start);
    if (p.end_code) as->set_code_range(p.start_code, p.end_code);
    return img;
}
} // namespace kernel
