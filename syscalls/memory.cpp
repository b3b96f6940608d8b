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
    if (!file->inode->has_pages()) return Errno::ENODEV; // no memory object to map
    mm::FileMapping backing {file.get(), pgoff, may_write};
    return long(TRY(as().map(addr, length, prot, flags, "", backing)));
}
} // namespace

ErrorOr<long> sys_brk(u64 addr) { return long(as().brk(addr)); }

namespace {
ErrorOr<void> populate_range(VirtAddr start, VirtAddr end);
bool within_limit(u64 bytes);
constexpr u32 kMapLocked = 0x2000;

ErrorOr<VirtAddr> map_region(u64 addr, u64 length, u32 prot, u32 f, int fd, u64 offset) {
    u32 type = f & 0x0f;
    if (!(f & mm::kMapAnonymous)) return VirtAddr(TRY(map_file(addr, length, prot, f, fd, offset)));
    if (type == mm::kMapPrivate) return as().map(addr, length, prot, f);
    // Shared anonymous memory is a file of the kernel's tmpfs, as on Linux: the pages
    // stay shared with the children a fork makes.
    if (length > arch::kUserTop) return Errno::ENOMEM;
    auto file = TRY(fs::shmem_file("/dev/zero", align_up<u64>(length, arch::kPageSize)));
    mm::FileMapping backing {file.get(), 0, true};
    return as().map(addr, length, prot, f, "", backing);
}
} // namespace

ErrorOr<long> sys_mmap(u64 addr, u64 length, int prot, int flags, int fd, u64 offset) {
    u32 f = u32(flags);
    u32 type = f & 0x0f;
    if (type != mm::kMapPrivate && type != mm::kMapShared && type != 0x03 /* MAP_SHARED_VALIDATE */)
        return Errno::EINVAL;
    if (length == 0 || !page_aligned(offset)) return Errno::EINVAL;
    if (u32(prot) & ~kProtMask) return Errno::EINVAL;
    if ((f & mm::kMapFixed) && !page_aligned(addr)) return Errno::EINVAL;
    u64 len = align_up<u64>(length, arch::kPageSize);
    // MAP_LOCKED counts against RLIMIT_MEMLOCK first (Linux: EAGAIN).
    if ((f & kMapLocked) && (len < length || !within_limit(as().locked_bytes() + len))) return Errno::EAGAIN;
    VirtAddr a = TRY(map_region(addr, length, u32(prot), f, fd, offset));
    u32 future = as().lock_future();
    if (f & kMapLocked) (void)as().set_locked(a, a + len, true, false);
    // MAP_POPULATE and locked memory are faulted in now (failures are not the call's).
    bool on_fault = !(f & kMapLocked) && (future & mm::kAdviceLockOnFault);
    if ((f & mm::kMapPopulate) || (((f & kMapLocked) || (future & mm::kAdviceLocked)) && !on_fault))
        (void)populate_range(a, a + len);
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

namespace {
// Holds the file of a region copied out by vma_at_holding_file.
struct HeldVma {
    mm::Vma v;
    bool found = false;
    explicit HeldVma(VirtAddr a, bool or_next = false) { found = as().vma_at_holding_file(a, v, or_next); }
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
    constexpr int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
    if (!page_aligned(old_addr) || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) || new_size == 0)
        return Errno::EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return Errno::EINVAL;
    // MREMAP_DONTUNMAP: the pages move, the old range stays mapped and empty; only a
    // move of the same size (Linux).
    bool dont_unmap = flags & MREMAP_DONTUNMAP;
    if (dont_unmap && (!(flags & MREMAP_MAYMOVE) || old_size != new_size)) return Errno::EINVAL;
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
    if (new_size <= old_size && !(flags & MREMAP_FIXED) && !dont_unmap) {
        if (new_size < old_size) TRY(as().unmap(old_addr + new_size, old_size - new_size));
        return long(old_addr);
    }
    // Grow in place when the following range is free. The new part, or the new place,
    // keeps the region's protection key and maps the pages that follow in its object.
    if (!(flags & MREMAP_FIXED) && !dont_unmap) {
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
    if (!dont_unmap) (void)as().unmap(old_addr, old_size);
    return long(dst);
}

// msync(2): MS_SYNC writes the shared file mappings' pages back and waits for the disk
// (the whole file: fsync); MS_ASYNC has nothing to start (pages are written back by the
// write-back thread anyway, as Linux since 2.6.19); MS_INVALIDATE nothing to drop
// (mappings and the files are one page cache). ENOMEM if part of the range is unmapped.
ErrorOr<long> sys_msync(u64 addr, u64 length, int flags) {
    constexpr int MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
    if (!page_aligned(addr) || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return Errno::EINVAL;
    u64 end = align_up<u64>(addr + length, arch::kPageSize);
    if (end < addr) return Errno::ENOMEM;
    bool hole = false;
    for (VirtAddr a = addr; a < end;) {
        HeldVma held(a, true);
        if (!held.found || held.v.start >= end) {
            hole = true;
            break;
        }
        // Linux goes on past a hole and reports ENOMEM at the end.
        if (held.v.start > a) hole = true;
        if ((flags & MS_SYNC) && held.v.file && (held.v.flags & mm::kMapShared)) TRY(held.v.file->vm_object().vm_sync());
        a = held.v.end;
    }
    if (hole) return Errno::ENOMEM;
    return 0;
}

// mlock(2) and friends. Nothing is ever paged out, so a locked page is one that is
// present and stays so: locking faults the range in (unless MLOCK_ONFAULT) and counts it
// against RLIMIT_MEMLOCK (VmLck), as Linux. Root (CAP_IPC_LOCK) has no limit.
namespace {
constexpr int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;

u64 memlock_limit() {
    giant::Section g; // the limits (mmap runs without the giant lock)
    return current_process().rlimit(kRlimitMemlock).cur;
}
bool can_lock() { return capable(current_process()) || memlock_limit() != 0; }
bool within_limit(u64 bytes) { return capable(current_process()) || bytes <= memlock_limit(); }

// Faults in what a locked (or MAP_POPULATE) range holds, as a first touch would (a
// private writable page gets its own copy); PROT_NONE regions stay empty. Region by
// region: the range may be the whole address space (mlockall).
ErrorOr<void> populate_range(VirtAddr start, VirtAddr end) {
    lv::Vector<mm::VmaView> views;
    TRY(as().views(views));
    ErrorOr<void> result;
    for (const mm::VmaView& v : views) {
        if (v.end <= start || v.start >= end) continue;
        if (!(v.prot & (mm::kProtRead | mm::kProtWrite | mm::kProtExec))) continue;
        kernel::FaultAccess access {};
        access.write = (v.prot & mm::kProtWrite) && !(v.flags & mm::kMapShared);
        for (VirtAddr va = max(v.start, start); va < min(v.end, end); va += arch::kPageSize) {
            if (fatal_signal_pending()) {
                result = Errno::EINTR;
                break;
            }
            // Linux: memory that cannot be had is EAGAIN here, a SIGBUS page ends it.
            if (!kernel::handle_page_fault(va, access)) {
                result = Errno::EAGAIN;
                break;
            }
        }
        if (result.is_error()) break;
    }
    mm::AddressSpace::put_views(views);
    return result;
}

ErrorOr<long> do_mlock(u64 addr, u64 length, bool on_fault) {
    if (!can_lock()) return Errno::EPERM;
    VirtAddr start = align_down<u64>(addr, arch::kPageSize);
    u64 len = align_up<u64>(length + (addr - start), arch::kPageSize);
    if (len == 0) return 0;
    VirtAddr end = start + len;
    if (end < start) return Errno::EINVAL;
    u64 locked = as().locked_bytes() - as().locked_bytes(start, end) + len;
    if (!within_limit(locked)) return Errno::ENOMEM;
    TRY(as().set_locked(start, end, true, on_fault));
    if (!on_fault) TRY(populate_range(start, end));
    return 0;
}
} // namespace

ErrorOr<long> sys_mlock(u64 addr, u64 length) { return do_mlock(addr, length, false); }

ErrorOr<long> sys_mlock2(u64 addr, u64 length, unsigned flags) {
    constexpr unsigned MLOCK_ONFAULT = 1;
    if (flags & ~MLOCK_ONFAULT) return Errno::EINVAL;
    return do_mlock(addr, length, flags & MLOCK_ONFAULT);
}

ErrorOr<long> sys_munlock(u64 addr, u64 length) {
    VirtAddr start = align_down<u64>(addr, arch::kPageSize);
    u64 len = align_up<u64>(length + (addr - start), arch::kPageSize);
    if (len == 0) return 0;
    if (start + len < start) return Errno::EINVAL;
    TRY(as().set_locked(start, start + len, false, false));
    return 0;
}

ErrorOr<long> sys_mlockall(int flags) {
    if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT) return Errno::EINVAL;
    if (!can_lock()) return Errno::EPERM;
    bool on_fault = flags & MCL_ONFAULT;
    if (flags & MCL_CURRENT) {
        if (!within_limit(as().mapped_bytes())) return Errno::ENOMEM;
        as().set_all_locked(true, on_fault);
        if (!on_fault) TRY(populate_range(0, arch::kUserTop));
    }
    as().set_lock_future((flags & MCL_FUTURE) ? (mm::kAdviceLocked | (on_fault ? u32(mm::kAdviceLockOnFault) : 0u)) : 0u);
    return 0;
}

ErrorOr<long> sys_munlockall() {
    as().set_all_locked(false, false);
    as().set_lock_future(0);
    return 0;
}

namespace {
struct RemoteIoVec {
    u64 base;
    u64 len;
};

// Linux's PTRACE_MODE_ATTACH_REALCREDS: the caller's real ids are all of the target's
// ids, or it is privileged (CAP_SYS_PTRACE: root).
bool may_access_memory(const Credentials& c, const Credentials& t) {
    if (capable(c)) return true;
    return c.uid == t.uid && c.uid == t.euid && c.uid == t.suid && c.gid == t.gid && c.gid == t.egid &&
           c.gid == t.sgid;
}

ErrorOr<long> process_vm_rw(int pid, UserPtr<const void> local_iov, unsigned long liovcnt,
                            UserPtr<const void> remote_iov, unsigned long riovcnt, unsigned long flags, bool write) {
    constexpr unsigned long kUioMaxIov = 1024;
    if (flags || liovcnt > kUioMaxIov || riovcnt > kUioMaxIov) return Errno::EINVAL;
    auto* local = static_cast<RemoteIoVec*>(kmalloc((liovcnt + riovcnt + 1) * sizeof(RemoteIoVec)));
    if (!local) return Errno::ENOMEM;
    lv::OwnPtr<RemoteIoVec> own(local);
    RemoteIoVec* remote = local + liovcnt;
    TRY(UserPtr<RemoteIoVec>(local_iov.addr()).read_array(local, liovcnt));
    TRY(UserPtr<RemoteIoVec>(remote_iov.addr()).read_array(remote, riovcnt));
    for (unsigned long i = 0; i < liovcnt + riovcnt; i++)
        if (i64(local[i].len) < 0) return Errno::EINVAL;
    lv::RefPtr<mm::AddressSpace> target;
    {
        giant::Section g;
        Process* p = find_process(pid);
        if (!p || p->zombie()) return Errno::ESRCH;
        if (!may_access_memory(current_process().creds(), p->creds())) return Errno::EPERM;
        target = p->as();
    }
    if (!target) return Errno::ESRCH;
    lv::OwnPtr<u8> bounce(static_cast<u8*>(kmalloc(arch::kPageSize)));
    if (!bounce) return Errno::ENOMEM;
    u64 total = 0;
    unsigned long li = 0;
    u64 loff = 0;
    for (unsigned long ri = 0; ri < riovcnt; ri++) {
        for (u64 roff = 0; roff < remote[ri].len;) {
            while (li < liovcnt && loff == local[li].len) li++, loff = 0;
            if (li == liovcnt) return long(total);
            size_t chunk = min<u64>(min<u64>(remote[ri].len - roff, local[li].len - loff), arch::kPageSize);
            VirtAddr r = remote[ri].base + roff, l = local[li].base + loff;
            size_t got;
            if (write) {
                if (mm::copy_from_user(bounce.get(), l, chunk).is_error()) {
                    if (total) return long(total);
                    return Errno::EFAULT;
                }
                got = target->access_remote(r, bounce.get(), chunk, true);
            } else {
                got = target->access_remote(r, bounce.get(), chunk, false);
                if (got && mm::copy_to_user(l, bounce.get(), got).is_error()) {
                    if (total) return long(total);
                    return Errno::EFAULT;
                }
            }
            total += got;
            if (got < chunk) {
                if (total) return long(total);
                return Errno::EFAULT;
            }
            roff += chunk;
            loff += chunk;
        }
    }
    return long(total);
}
} // namespace

ErrorOr<long> sys_process_vm_readv(int pid, UserPtr<const void> local_iov, unsigned long liovcnt,
                                   UserPtr<const void> remote_iov, unsigned long riovcnt, unsigned long flags) {
    return process_vm_rw(pid, local_iov, liovcnt, remote_iov, riovcnt, flags, false);
}

ErrorOr<long> sys_process_vm_writev(int pid, UserPtr<const void> local_iov, unsigned long liovcnt,
                                    UserPtr<const void> remote_iov, unsigned long riovcnt, unsigned long flags) {
    return process_vm_rw(pid, local_iov, liovcnt, remote_iov, riovcnt, flags, true);
}

// mincore(2): one byte per page, 1 when the page is in memory: mapped here, or (for a
// file mapping) in the file's page cache, as Linux reports. ENOMEM for unmapped parts.
ErrorOr<long> sys_mincore(u64 addr, u64 length, UserPtr<u8> vec) {
    if (!page_aligned(addr)) return Errno::EINVAL;
    u64 end = align_up<u64>(addr + length, arch::kPageSize);
    if (end < addr || end > arch::kUserTop) return Errno::ENOMEM;
    u8 chunk[256];
    size_t n = 0;
    u64 out = vec.addr();
    for (VirtAddr a = addr; a < end;) {
        HeldVma held(a);
        if (!held.found) return Errno::ENOMEM;
        VirtAddr stop = min<VirtAddr>(end, held.v.end);
        for (; a < stop; a += arch::kPageSize) {
            if (fatal_signal_pending()) return Errno::EINTR;
            bool in = as().page_present(a);
            if (!in && held.v.file) in = held.v.file->vm_object().vm_resident(held.v.page_index(a));
            chunk[n++] = in ? 1 : 0;
            if (n == sizeof chunk) {
                TRY(mm::copy_to_user(out, chunk, n));
                out += n;
                n = 0;
            }
        }
    }
    if (n) TRY(mm::copy_to_user(out, chunk, n));
    return 0;
}

// remap_file_pages(2), as Linux emulates it since 4.0: a new shared mapping of the same
// file at [start, start + size) from page `pgoff`, with the region's protection.
ErrorOr<long> sys_remap_file_pages(u64 start, u64 size, int prot, u64 pgoff, int flags) {
    constexpr int MAP_NONBLOCK = 0x10000;
    if (prot || (flags & ~MAP_NONBLOCK)) return Errno::EINVAL;
    start = align_down<u64>(start, arch::kPageSize);
    size = align_down<u64>(size, arch::kPageSize);
    if (start + size <= start) return Errno::EINVAL;
    if (pgoff + (size / arch::kPageSize) < pgoff) return Errno::EINVAL;
    HeldVma held(start);
    if (!held.found || !(held.v.flags & mm::kMapShared) || !held.v.file) return Errno::EINVAL;
    if (start + size > held.v.end) return Errno::EINVAL;
    mm::FileMapping backing {held.v.file, pgoff, held.v.may_write};
    TRY(as().map(start, size, held.v.prot, (held.v.flags & ~(mm::kMapFixedNoReplace | mm::kMapPopulate)) | mm::kMapFixed,
                 "", backing));
    return 0;
}
