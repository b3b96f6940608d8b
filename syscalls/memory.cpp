#include <fs/kernel_api.h>
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

// MAP_PRIVATE file mappings get a private copy of the file's contents.
// FIXME: no page cache yet, so MAP_SHARED file mappings are refused (ENODEV) rather than
// silently not shared.
ErrorOr<void> fill_from_file(VirtAddr addr, u64 length, int fd, u64 offset) {
    auto inode = TRY(fs::inode_for_mmap(fd));
    u64 size = fs::inode_size(*inode);
    if (offset >= size) return {};
    u64 n = min(length, size - offset);
    constexpr size_t kChunk = 64 * 1024;
    lv::OwnPtr<u8> buf(static_cast<u8*>(kmalloc(kChunk)));
    if (!buf) return Errno::ENOMEM;
    for (u64 done = 0; done < n;) {
        size_t chunk = min<u64>(kChunk, n - done);
        size_t got = TRY(fs::read_inode(*inode, offset + done, buf.get(), chunk));
        if (got == 0) break;
        TRY(as().poke(addr + done, buf.get(), got));
        done += got;
    }
    return {};
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
    bool anonymous = f & mm::kMapAnonymous;
    if (!anonymous) {
        if (type != mm::kMapPrivate) return Errno::ENODEV;
        TRY(fs::inode_for_mmap(fd)); // EBADF/EACCES/ENODEV before anything is mapped
    }
    // FIXME: MAP_SHARED anonymous memory is only really shared once fork exists; it is
    // correct within one process.
    VirtAddr a = TRY(as().map(addr, length, u32(prot), f));
    if (!anonymous) {
        auto r = fill_from_file(a, length, fd, offset);
        if (r.is_error()) {
            (void)as().unmap(a, length);
            return r.error();
        }
    }
    return long(a);
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
    return 0;
}

ErrorOr<long> sys_mremap(u64 old_addr, u64 old_size, u64 new_size, int flags, u64 new_addr) {
    constexpr int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
    if (!page_aligned(old_addr) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || new_size == 0) return Errno::EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return Errno::EINVAL;
    old_size = align_up<u64>(old_size, arch::kPageSize);
    new_size = align_up<u64>(new_size, arch::kPageSize);
    // A size rounded up past 2^64 is 0. FIXME: old_size 0 duplicates a shared mapping on
    // Linux; without memory objects that cannot be done, so it is refused.
    if (new_size == 0 || old_size == 0) return Errno::EINVAL;
    if (flags & MREMAP_FIXED) {
        if (!page_aligned(new_addr) || new_size > arch::kUserTop || new_addr > arch::kUserTop - new_size)
            return Errno::EINVAL;
        if (old_addr + old_size > new_addr && new_addr + new_size > old_addr) return Errno::EINVAL; // overlap
    }
    mm::Vma v;
    if (!as().vma_at(old_addr, v) || old_size > v.end - old_addr) return Errno::EFAULT;
    if (new_size <= old_size && !(flags & MREMAP_FIXED)) {
        if (new_size < old_size) TRY(as().unmap(old_addr + new_size, old_size - new_size));
        return long(old_addr);
    }
    u32 prot = v.prot, vflags = v.flags;
    // Grow in place when the following range is free. The new part, or the new place,
    // keeps the region's protection key.
    if (!(flags & MREMAP_FIXED)) {
        auto grown = as().map(old_addr + old_size, new_size - old_size, prot, vflags | mm::kMapFixedNoReplace);
        if (!grown.is_error()) {
            if (v.pkey) (void)as().protect(grown.value(), new_size - old_size, prot, v.pkey, true);
            return long(old_addr);
        }
    }
    if (!(flags & MREMAP_MAYMOVE)) return Errno::ENOMEM;
    u32 place = (flags & MREMAP_FIXED) ? mm::kMapFixed : 0;
    VirtAddr dst = TRY(as().map(new_addr, new_size, prot, (vflags & ~(mm::kMapFixed | mm::kMapFixedNoReplace)) | place));
    if (v.pkey) (void)as().protect(dst, new_size, prot, v.pkey, true);
    // Move the pages that exist; the rest stays demand-zero. A shrinking move leaves the
    // tail behind.
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
    return 0; // private mappings only: nothing to write back
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
