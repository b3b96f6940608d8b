#include <fs/kernel_api.h>
#include <kernel/process.h>
#include <lib/alloc.h>
#include <lib/own_ptr.h>
#include <lib/string.h>
#include <mm/address_space.h>
#include <mm/phys.h>
#include <syscalls/memory.h>

using namespace kernel;

namespace {
mm::AddressSpace& as() { return *current_process().as; }
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

ErrorOr<long> sys_mprotect(u64 addr, u64 length, int prot) {
    constexpr u32 kGrowsDown = 0x01000000, kGrowsUp = 0x02000000;
    if (u32(prot) & ~(kProtMask | kGrowsDown | kGrowsUp)) return Errno::EINVAL;
    if (!page_aligned(addr)) return Errno::EINVAL;
    if (length == 0) return 0;
    TRY(as().protect(addr, length, u32(prot) & kProtMask));
    return 0;
}

ErrorOr<long> sys_madvise(u64 addr, u64 length, int advice) {
    constexpr int MADV_DONTNEED = 4, MADV_FREE = 8;
    if (!page_aligned(addr)) return Errno::EINVAL;
    if (advice == MADV_DONTNEED || advice == MADV_FREE) {
        // Anonymous private memory reads back as zeros afterwards, as on Linux: drop the pages.
        VirtAddr end = align_up<u64>(addr + length, arch::kPageSize);
        for (VirtAddr va = addr; va < end; va += arch::kPageSize) {
            PhysAddr pa = as().page_table().unmap(va);
            if (pa) mm::free_frame(pa);
        }
    }
    return 0; // other advice is a hint
}

ErrorOr<long> sys_mremap(u64 old_addr, u64 old_size, u64 new_size, int flags, u64 new_addr) {
    constexpr int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
    if (!page_aligned(old_addr) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) || new_size == 0) return Errno::EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return Errno::EINVAL;
    old_size = align_up<u64>(old_size, arch::kPageSize);
    new_size = align_up<u64>(new_size, arch::kPageSize);
    mm::Vma* v = as().find(old_addr);
    if (!v || old_addr + old_size > v->end) return Errno::EFAULT;
    if (new_size <= old_size) {
        if (new_size < old_size) TRY(as().unmap(old_addr + new_size, old_size - new_size));
        return long(old_addr);
    }
    u32 prot = v->prot, vflags = v->flags;
    // Grow in place when the following range is free.
    if (!(flags & MREMAP_FIXED)) {
        auto grown = as().map(old_addr + old_size, new_size - old_size, prot, vflags | mm::kMapFixedNoReplace);
        if (!grown.is_error()) return long(old_addr);
    }
    if (!(flags & MREMAP_MAYMOVE)) return Errno::ENOMEM;
    u32 place = (flags & MREMAP_FIXED) ? mm::kMapFixed : 0;
    VirtAddr dst = TRY(as().map(new_addr, new_size, prot, (vflags & ~(mm::kMapFixed | mm::kMapFixedNoReplace)) | place));
    // Move the pages that exist; the rest stays demand-zero.
    for (u64 off = 0; off < old_size; off += arch::kPageSize) {
        auto old = as().page_table().query(old_addr + off);
        if (!old.pa) continue;
        as().page_table().unmap(old_addr + off);
        if (as().page_table().map(dst + off, old.pa, old.flags).is_error()) mm::free_frame(old.pa);
    }
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
