#include <fs/file.h>
#include <fs/kernel_api.h>
#include <fs/mutex.h>
#include <fs/ramfs.h>
#include <fs/shmem.h>
#include <kernel/entry.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <lib/alloc.h>
#include <lib/own_ptr.h>
#include <lib/string.h>
#include <mm/address_space.h>
#include <mm/phys.h>
#include <syscalls/memory.h>

using namespace kernel;

namespace {
mm::AddressSpace& as() { return *current_process().as(); }
bool page_aligned(u64 v) { return (v & (arch::kPageSize - 1)) == 0; }
constexpr u32 kProtMask = mm::kProtRead | mm::kProtWrite | mm::kProtExec;

// A private mapping of a file whose data are not pages of a memory object gets a copy
// of them. FIXME(issue 8): ext2's page cache; until then MAP_SHARED of such a file is
// refused (ENODEV) rather than silently not shared.
ErrorOr<void> fill_from_file(VirtAddr addr, u64 length, fs::Inode& inode, u64 offset) {
    u64 size = fs::inode_size(inode);
    if (offset >= size) return {};
    u64 n = min(length, size - offset);
    constexpr size_t kChunk = 64 * 1024;
    lv::OwnPtr<u8> buf(static_cast<u8*>(kmalloc(kChunk)));
    if (!buf) return Errno::ENOMEM;
    for (u64 done = 0; done < n;) {
        size_t chunk = min<u64>(kChunk, n - done);
        size_t got = TRY(fs::read_inode(inode, offset + done, buf.get(), chunk));
        if (got == 0) break;
        TRY(as().poke(addr + done, buf.get(), got));
        done += got;
    }
    return {};
}

ErrorOr<long> map_file(u64 addr, u64 length, u32 prot, u32 flags, int fd, u64 offset) {
    auto file = TRY(fs::file_for_mmap(fd)); // EBADF/EACCES/ENODEV before anything is mapped
    bool shared = (flags & 0x0f) != mm::kMapPrivate;
    // Linux: a shared writable mapping needs the file open for writing, and not append-only.
    if (shared && (prot & mm::kProtWrite) && (!file->writable() || (file->flags & fs::kOAppend)))
        return Errno::EACCES;
    u64 pages = align_up<u64>(length, arch::kPageSize) / arch::kPageSize;
    u64 pgoff = offset / arch::kPageSize;
    if (pages == 0 || pgoff + pages < pgoff) return Errno::EOVERFLOW;
    bool may_write = !shared || file->writable();
    if (shared) {
        // A memfd sealed against writes maps shared only read-only, and for good.
        fs::MutexLocker l(fs::vfs_lock());
        auto seals = file->inode->seals();
        if (!seals.is_error() && (seals.value() & (fs::kSealWrite | fs::kSealFutureWrite))) {
            if (prot & mm::kProtWrite) return Errno::EPERM;
            may_write = false;
        }
    }
    if (file->inode->has_pages()) {
        mm::FileMapping backing {file.get(), pgoff, may_write};
        return long(TRY(as().map(addr, length, prot, flags, "", backing)));
    }
    if (shared) return Errno::ENODEV;
    VirtAddr a = TRY(as().map(addr, length, prot, flags));
    if (auto r = fill_from_file(a, length, *file->inode, offset); r.is_error()) {
        (void)as().unmap(a, length);
        return r.error();
    }
    return long(a);
}
} // namespace

ErrorOr<long> sys_brk(u64 addr) { return long(as().brk(addr)); }

ErrorOr<long> sys_mmap(u64 addr, u64 length, int prot, int flags, int fd, u64 offset) {
    u32 f = u32(flags);
    u32 type = f & 0x0f;
    if (type != mm::kMapPrivate && type != mm::kMapShared && type != 0x03 /* MAP_SHARED_VALIDATE */)
        return Errno::EINVAL;
    if (length == 0 || !page_aligned(offset)) return Errno::EINVAL;
    if (u32(prot) & ~kProtMask) return Errno::EINVAL;
    if ((f & mm::kMapFixed) && !page_aligned(addr)) return Errno::EINVAL;
    if (!(f & mm::kMapAnonymous)) return map_file(addr, length, u32(prot), f, fd, offset);
    if (type == mm::kMapPrivate) return long(TRY(as().map(addr, length, u32(prot), f)));
    // Shared anonymous memory is a file of the kernel's tmpfs, as on Linux: the pages
    // stay shared with the children a fork makes.
    if (length > arch::kUserTop) return Errno::ENOMEM;
    auto file = TRY(fs::shmem_file("/dev/zero", align_up<u64>(length, arch::kPageSize)));
    mm::FileMapping backing {file.get(), 0, true};
    return long(TRY(as().map(addr, length, u32(prot), f, "", backing)));
}

ErrorOr<long> sys_munmap(u64 addr, u64 length) {
    TRY(as().unmap(addr, length));
    return 0;
}

ErrorOr<long> do_mprotect(u64 addr, u64 length, int prot, int pkey) {
    constexpr u32 kGrowsDown = 0x01000000, kGrowsUp = 0x02000000;
    if (u32(prot) & ~(kProtMask | kGrowsDown | kGrowsUp)) return Errno::EINVAL;
    if (!page_aligned(addr)) return Errno::EINVAL;
    if (length == 0) return 0;
    TRY(as().protect(addr, length, u32(prot) & kProtMask, pkey));
    return 0;
}

ErrorOr<long> sys_mprotect(u64 addr, u64 length, int prot) { return do_mprotect(addr, length, prot, -1); }

namespace {
bool advice_valid(int advice) {
    // Linux 6.1's madvise_behavior_valid(), without MADV_HWPOISON/MADV_SOFT_OFFLINE: as
    // in a kernel built without CONFIG_MEMORY_FAILURE, they are EINVAL.
    return (advice >= mm::kMadvNormal && advice <= mm::kMadvDontNeed) ||
           (advice >= mm::kMadvFree && advice <= mm::kMadvCollapse);
}

// MADV_POPULATE_READ/WRITE: faults every page in as a read or write access would.
ErrorOr<void> populate(VirtAddr start, VirtAddr end, bool write) {
    for (VirtAddr va = start; va < end; va += arch::kPageSize) {
        if (fatal_signal_pending()) return Errno::EINTR;
        mm::Vma v;
        if (!as().vma_at(va, v)) return Errno::ENOMEM;
        // Linux: a permission problem is EINVAL here, not EFAULT.
        if (!(v.prot & (write ? mm::kProtWrite : mm::kProtRead))) return Errno::EINVAL;
        kernel::FaultAccess access {};
        access.write = write;
        if (!kernel::handle_page_fault(va, access)) return fatal_signal_pending() ? Errno::EINTR : Errno::ENOMEM;
    }
    return {};
}
} // namespace

namespace {
// Holds the file of a region copied out by vma_at_holding_file.
struct HeldVma {
    mm::Vma v;
    bool found = false;
    explicit HeldVma(VirtAddr a) { found = as().vma_at_holding_file(a, v); }
    ~HeldVma() {
        if (found && v.file) v.file->vm_unref();
    }
    // What a new region mapping the same pages from `at` on refers to.
    mm::FileMapping backing(VirtAddr at) const {
        if (!v.file) return {};
        return {v.file, v.page_index(at), v.may_write};
    }
};

// MADV_REMOVE, once the regions passed advise()'s checks: the objects under
// [start, end) free those pages (every mapping of them reads zeros afterwards).
ErrorOr<void> punch_holes(VirtAddr start, VirtAddr end) {
    for (VirtAddr a = start; a < end;) {
        HeldVma held(a);
        if (!held.found || !held.v.file) return Errno::EINVAL; // changed meanwhile
        VirtAddr stop = min<VirtAddr>(end, held.v.end);
        TRY(held.v.file->vm_object().vm_punch(held.v.page_index(a), (stop - a) / arch::kPageSize));
        a = stop;
    }
    return {};
}
} // namespace

// madvise(2), with Linux's checks in Linux's order (do_madvise): the advice, alignment,
// the length rounded up without wrapping; then the VMAs (ENOMEM for unmapped parts).
ErrorOr<long> sys_madvise(u64 addr, u64 length, int advice) {
    if (!advice_valid(advice)) return Errno::EINVAL;
    if (!page_aligned(addr)) return Errno::EINVAL;
    u64 len = align_up<u64>(length, arch::kPageSize);
    if (length && !len) return Errno::EINVAL; // rounded up from near 2^64 to 0
    u64 end = addr + len;
    if (end < addr) return Errno::EINVAL;
    if (end == addr) return 0;
    if (advice == mm::kMadvPopulateRead || advice == mm::kMadvPopulateWrite) {
        TRY(populate(addr, end, advice == mm::kMadvPopulateWrite));
        return 0;
    }
    TRY(as().advise(addr, end, advice));
    if (advice == mm::kMadvRemove) TRY(punch_holes(addr, end));
    return 0;
}


ErrorOr<long> sys_mremap(u64 old_addr, u64 old_size, u64 new_size, int flags, u64 new_addr) {
    constexpr int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
    if (!page_aligned(old_addr) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || new_size == 0) return Errno::EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return Errno::EINVAL;
    bool duplicate = old_size == 0; // a second mapping of shared memory (Linux only)
    old_size = align_up<u64>(old_size, arch::kPageSize);
    new_size = align_up<u64>(new_size, arch::kPageSize);
    if (new_size == 0) return Errno::EINVAL; // rounded up past 2^64
    if (!duplicate && old_size == 0) return Errno::EINVAL;
    if (flags & MREMAP_FIXED) {
        if (!page_aligned(new_addr) || new_size > arch::kUserTop || new_addr > arch::kUserTop - new_size)
            return Errno::EINVAL;
        if (old_addr + old_size > new_addr && new_addr + new_size > old_addr) return Errno::EINVAL; // overlap
    }
    HeldVma held(old_addr);
    const mm::Vma& v = held.v;
    if (!held.found || old_size > v.end - old_addr) return Errno::EFAULT;
    u32 prot = v.prot, vflags = v.flags & ~(mm::kMapFixed | mm::kMapFixedNoReplace);
    u32 place = (flags & MREMAP_FIXED) ? u32(mm::kMapFixed) : 0u;
    if (duplicate) {
        // Linux: only a shared region can be mapped twice (a private one would need
        // its copies shared), and only to a new place.
        if (!(v.flags & mm::kMapShared) || !(flags & MREMAP_MAYMOVE)) return Errno::EINVAL;
        VirtAddr dst = TRY(as().map(new_addr, new_size, prot, vflags | place, "", held.backing(old_addr)));
        return long(dst);
    }
    if (new_size <= old_size && !(flags & MREMAP_FIXED)) {
        if (new_size < old_size) TRY(as().unmap(old_addr + new_size, old_size - new_size));
        return long(old_addr);
    }
    // Grow in place when the following range is free. The new part, or the new place,
    // keeps the region's protection key and maps the pages that follow in its object.
    if (!(flags & MREMAP_FIXED)) {
        auto grown = as().map(old_addr + old_size, new_size - old_size, prot, vflags | mm::kMapFixedNoReplace,
                              "", held.backing(old_addr + old_size));
        if (!grown.is_error()) {
            if (v.pkey) (void)as().protect(grown.value(), new_size - old_size, prot, v.pkey, true);
            return long(old_addr);
        }
    }
    if (!(flags & MREMAP_MAYMOVE)) return Errno::ENOMEM;
    VirtAddr dst = TRY(as().map(new_addr, new_size, prot, vflags | place, "", held.backing(old_addr)));
    if (v.pkey) (void)as().protect(dst, new_size, prot, v.pkey, true);
    // Move the pages that exist; the rest stays demand-zero (or comes from the object).
    // A shrinking move leaves the tail behind.
    as().move_pages(old_addr, min(old_size, new_size), dst);
    (void)as().unmap(old_addr, old_size);
    return long(dst);
}

ErrorOr<long> sys_msync(u64 addr, u64 length, int flags) {
    constexpr int MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
    if (!page_aligned(addr) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return Errno::EINVAL;
    if (!as().accessible(addr, length, false)) return Errno::ENOMEM;
    return 0; // FIXME(issue 8): only tmpfs files are mapped shared so far: nothing to write back
}

// Memory is never paged out, so every page is always "locked": these only validate.
ErrorOr<long> sys_mlock(u64 addr, u64 length) {
    if (!as().accessible(align_down<u64>(addr, arch::kPageSize), length, false)) return Errno::ENOMEM;
    return 0;
}
ErrorOr<long> sys_munlock(u64 addr, u64 length) { return sys_mlock(addr, length); }
ErrorOr<long> sys_mlockall(int flags) {
    constexpr int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;
    if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT) return Errno::EINVAL;
    return 0;
}
ErrorOr<long> sys_munlockall() { return 0; }
