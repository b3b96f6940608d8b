// A process's user address space: an ordered list of VMAs (regions with a protection)
// over a PageTable. Private anonymous pages are allocated on first touch
// (kernel::handle_page_fault) and belong to the address space, shared copy-on-write
// across fork through per-frame reference counts. Other regions map a memory object
// (mm/vm_object.h): a file's pages, or shared memory (a file of an internal tmpfs).
#pragma once
#include <arch/interface.h>
#include <kernel/sync/spinlock.h>
#include <lib/list.h>
#include <lib/ref_ptr.h>
#include <lib/result.h>
#include <mm/page_table.h>
#include <mm/phys.h>
#include <mm/vm_object.h>

namespace mm {
// PROT_* and MAP_* as Linux defines them (identical on x86_64 and aarch64).
enum : u32 { kProtRead = 1, kProtWrite = 2, kProtExec = 4 };
enum : u32 {
    kMapShared = 0x01, kMapPrivate = 0x02, kMapFixed = 0x10, kMapAnonymous = 0x20,
    kMapGrowsDown = 0x100, kMapNoReserve = 0x4000, kMapPopulate = 0x8000,
    kMapStack = 0x20000, kMapFixedNoReplace = 0x100000,
};

// madvise(2) advice values, as Linux numbers them (the same on every architecture).
enum Advice : int {
    kMadvNormal = 0, kMadvRandom = 1, kMadvSequential = 2, kMadvWillNeed = 3, kMadvDontNeed = 4,
    kMadvFree = 8, kMadvRemove = 9, kMadvDontFork = 10, kMadvDoFork = 11, kMadvMergeable = 12,
    kMadvUnmergeable = 13, kMadvHugePage = 14, kMadvNoHugePage = 15, kMadvDontDump = 16, kMadvDoDump = 17,
    kMadvWipeOnFork = 18, kMadvKeepOnFork = 19, kMadvCold = 20, kMadvPageOut = 21, kMadvPopulateRead = 22,
    kMadvPopulateWrite = 23, kMadvDontNeedLocked = 24, kMadvCollapse = 25,
};
// What fork does with a VMA (Vma::advice bits), set by madvise; and mlock's bits (Linux's
// VM_LOCKED, VM_LOCKONFAULT), which fork does not copy.
enum : u32 { kAdviceDontFork = 1, kAdviceWipeOnFork = 2, kAdviceLocked = 4, kAdviceLockOnFault = 8 };

struct Vma {
    VirtAddr start = 0, end = 0; // [start, end), page-aligned
    u32 prot = 0;
    u32 flags = 0;
    u32 advice = 0; // kAdvice* bits
    u8 pkey = 0;    // protection key (pkey_mprotect), in every page's PTE
    const char* name = ""; // "[heap]", "[stack]", or "" (for /proc/self/maps)
    // The file this region maps (null: private anonymous memory), and the page of its
    // object at `start`. The region holds a reference to the file (vm_ref) and is
    // counted among its object's mappers; a copy made by vma_at holds neither.
    VmFile* file = nullptr;
    u64 pgoff = 0;
    // A shared mapping of a file opened read-only may never become writable
    // (mprotect gives EACCES: Linux's VM_MAYWRITE).
    bool may_write = true;
    lv::ListNode node;
    bool contains(VirtAddr a) const { return a >= start && a < end; }
    // The object's page index of address a (inside the region).
    u64 page_index(VirtAddr a) const { return pgoff + (a - start) / kPageSize; }
    // Everything but the place, the file's page offset and the list node (a copy, a
    // split, a fork's region).
    void copy_attributes(const Vma& o) {
        prot = o.prot;
        flags = o.flags;
        advice = o.advice;
        pkey = o.pkey;
        name = o.name;
        file = o.file;
        may_write = o.may_write;
    }
};

// What /proc/PID/maps shows of a region: a copy that holds a reference to its file.
struct VmaView {
    VirtAddr start = 0, end = 0;
    u32 prot = 0, flags = 0, advice = 0;
    u64 pgoff = 0;
    const char* name = "";
    VmFile* file = nullptr;
    bool may_write = true;
};

// What a new region maps besides anonymous memory (AddressSpace::map).
struct FileMapping {
    VmFile* file = nullptr;
    u64 pgoff = 0;
    bool may_write = true; // Vma::may_write
};

// Reference-counted: each process using it (CLONE_VM without CLONE_THREAD: vfork,
// posix_spawn) holds a reference; the last one frees it.
class AddressSpace : public lv::RefCounted<AddressSpace> {
public:
    static ErrorOr<AddressSpace*> create();
    AddressSpace() = default; // use create()
    ~AddressSpace();

    // fork: a new address space with the same regions. Private pages are shared
    // copy-on-write (read-only in both until written); MAP_SHARED pages stay shared.
    ErrorOr<AddressSpace*> clone();

    void activate();

    // Creates a region. Without kMapFixed, `hint` is only a hint; the region goes in the
    // highest free gap below the mmap area top. With kMapFixed any overlap is unmapped first.
    // With a file, the region maps its object from page `pgoff` on (the region takes its
    // own reference to the file).
    ErrorOr<VirtAddr> map(VirtAddr hint, size_t length, u32 prot, u32 flags, const char* name = "",
                          FileMapping backing = {}) LV_EXCLUDES(m_lock);
    ErrorOr<void> unmap(VirtAddr addr, size_t length);
    // mprotect, and pkey_mprotect with `pkey` >= 0: EINVAL if the key is not allocated
    // (unless `any_key`: mremap carrying a region's key, which may have been freed since).
    ErrorOr<void> protect(VirtAddr addr, size_t length, u32 prot, int pkey = -1, bool any_key = false);

    // Protection keys (pkeys(7)) the program has allocated, among arch::pkey_count():
    // key 0 starts allocated (every page's default), as Linux's mm_pkey_allocation_map.
    // pkey_alloc gives the lowest free key (-1: none), pkey_free fails on one not
    // allocated. A fork's copy keeps them; exec starts afresh.
    int pkey_alloc() LV_EXCLUDES(m_lock);
    bool pkey_free(int key) LV_EXCLUDES(m_lock);
    // madvise(2) on [start, end) (page-aligned, start < end; the syscall has checked the
    // advice): drops pages (MADV_DONTNEED, MADV_FREE), punches shared memory
    // (MADV_REMOVE), sets fork behaviour (MADV_DONTFORK...), or only checks the range
    // for a pure hint. As Linux, the mapped parts are handled even when part of the range
    // is unmapped, which then gives ENOMEM; a VMA the advice does not apply to gives
    // EINVAL (EACCES for MADV_REMOVE on memory that is not shared and writable).
    // MADV_POPULATE_* is the caller's loop over handle_fault (it must stay killable).
    ErrorOr<void> advise(VirtAddr start, VirtAddr end, int advice);

    // mlock/munlock (on) over [start, end) (page-aligned): ENOMEM, changing nothing,
    // when part of the range is unmapped. Nothing is ever paged out: a locked region
    // differs in being counted (VmLck, RLIMIT_MEMLOCK) and populated by the caller.
    ErrorOr<void> set_locked(VirtAddr start, VirtAddr end, bool on, bool on_fault) LV_EXCLUDES(m_lock);
    void set_all_locked(bool on, bool on_fault) LV_EXCLUDES(m_lock); // mlockall(MCL_CURRENT), munlockall
    u64 locked_bytes(VirtAddr start = 0, VirtAddr end = ~VirtAddr(0)) const LV_EXCLUDES(m_lock);
    // mlockall(MCL_FUTURE): regions mapped from now on are locked (kAdvice* bits).
    void set_lock_future(u32 bits) LV_EXCLUDES(m_lock);
    u32 lock_future() const LV_EXCLUDES(m_lock);

    // The program's code, as exec found it (Linux's start_code/end_code: the executable
    // segments' file parts), for /proc/PID/statm's text.
    void set_code_range(VirtAddr start, VirtAddr end) LV_EXCLUDES(m_lock);
    u64 code_pages() const LV_EXCLUDES(m_lock);

    // brk: the heap is the region [brk_start, brk_end) right after the program image.
    void set_brk_start(VirtAddr a) LV_EXCLUDES(m_lock);
    VirtAddr brk_start() const LV_EXCLUDES(m_lock);
    VirtAddr brk(VirtAddr requested) LV_EXCLUDES(m_lock);

    // Resolves a fault if the access is allowed: a new zeroed page, a page of the
    // region's object (which may be read from its disk: called with no spinlock held),
    // or a private copy of a shared page. NoMemory when the access is allowed but no frame
    // could be had (the caller may OOM-kill and retry); Bus for a file page past the end
    // of its file, or one that could not be read (SIGBUS).
    enum class Fault { Resolved, Denied, NoMemory, Bus };
    Fault handle_fault(VirtAddr addr, bool write, bool exec) LV_EXCLUDES(m_lock) {
        return fault(addr, write, exec, false);
    }

    // Another process's memory (process_vm_readv/writev, Linux's access_remote_vm):
    // copies up to n bytes between [addr, addr + n) of this address space and `buf`,
    // as the process itself could (the regions' protection is checked; pages are
    // faulted in, private ones copied before a write). Returns the bytes done: fewer
    // at the first page that cannot be.
    size_t access_remote(VirtAddr addr, void* buf, size_t n, bool write) LV_EXCLUDES(m_lock);

    // Writes into this address space through the direct map, allocating pages as needed
    // and ignoring page protection (the ELF loader and the initial stack use it before the
    // address space runs).
    ErrorOr<void> poke(VirtAddr dst, const void* src, size_t n);

    // True when every byte of [addr, addr+n) lies in regions that allow the access
    // (user copies check this before touching memory).
    bool accessible(VirtAddr addr, size_t n, bool write) LV_EXCLUDES(m_lock);
    // A copy of the region holding `a` (false when none does). `out.file` is not held:
    // it may go as soon as the lock is released.
    bool vma_at(VirtAddr a, Vma& out) LV_EXCLUDES(m_lock);
    // The same, holding a reference to out.file (the caller gives it back, vm_unref).
    // `or_next`: the first region that ends above `a` if none holds it.
    bool vma_at_holding_file(VirtAddr a, Vma& out, bool or_next = false) LV_EXCLUDES(m_lock);
    bool is_mapped(VirtAddr a) LV_EXCLUDES(m_lock);
    bool page_present(VirtAddr va) LV_EXCLUDES(m_lock); // a frame mapped at va's page
    // For a shared futex's key: the frame under `a` when it lies in a MAP_SHARED region
    // (the same frame in every address space sharing it). NotShared: no such region
    // (a private futex key applies); Absent: not faulted in yet, or no region at all.
    enum class SharedFrame { NotShared, Absent, Present };
    SharedFrame shared_frame(VirtAddr a, PhysAddr* frame) LV_EXCLUDES(m_lock);
    VirtAddr mmap_top() const LV_EXCLUDES(m_lock);
    u64 mapped_bytes() const LV_EXCLUDES(m_lock);   // the sum of the regions (VmSize)
    // Calls f(const Vma&) for each region in address order, under the lock (f must not
    // sleep or touch user memory).
    template <typename F>
    void for_each_vma(F f) LV_EXCLUDES(m_lock) {
        kernel::SpinlockLocker l(m_lock);
        for (Vma& v : m_vmas) f(static_cast<const Vma&>(v));
    }
    // The regions as /proc/PID/maps shows them, each holding its file (put_views gives
    // them back). Out of memory: ENOMEM.
    ErrorOr<void> views(lv::Vector<VmaView>& out) LV_EXCLUDES(m_lock);
    static void put_views(lv::Vector<VmaView>& views);
    u64 resident_pages() const LV_EXCLUDES(m_lock); // present pages (VmRSS)
    // Present pages by kind, for /proc/PID/status (RssAnon, RssFile, RssShmem) and statm:
    // `file` counts pages of private file regions not yet copied and of shared file
    // regions; `shmem` those of shared anonymous ones.
    struct Rss {
        u64 anon = 0, file = 0, shmem = 0;
    };
    Rss rss() const LV_EXCLUDES(m_lock);
    // /proc/PID/smaps' counts for the pages present in [start, end), in bytes: a page's
    // users are its frame's references, less the page cache's own for a file's page
    // still shared with it (Pss divides by them). Anonymous memory and copies are dirty,
    // as Linux counts them; a file's page is dirty when a shared mapping may write it.
    struct PageStats {
        u64 rss = 0, pss = 0, shared_clean = 0, shared_dirty = 0, private_clean = 0, private_dirty = 0, anon = 0;
    };
    PageStats page_stats(VirtAddr start, VirtAddr end) const LV_EXCLUDES(m_lock);
    // Region sizes by kind, in bytes, as Linux's task_mem counts them: data (private
    // writable, not stack), stack (grows down), exec (executable, not writable).
    struct VmSizes {
        u64 total = 0, data = 0, stack = 0, exec = 0;
    };
    VmSizes sizes() const LV_EXCLUDES(m_lock);
    // The object's pages [first, last) go from every region mapping them (truncate;
    // VmObject::unmap_pages).
    void unmap_object_pages(VmObject& obj, u64 first, u64 last) LV_EXCLUDES(m_lock);
    // Shared mappings of the object's page `index` become read-only (write-back).
    void write_protect_object_page(VmObject& obj, u64 index) LV_EXCLUDES(m_lock);
    // mremap: moves the pages present in [from, from + len) to [to, to + len), both
    // mapped already; the pages are neither copied nor freed.
    void move_pages(VirtAddr from, size_t len, VirtAddr to) LV_EXCLUDES(m_lock);
    // The top-level table, for activation: fixed for the address space's life.
    PhysAddr root() const LV_NO_THREAD_SAFETY_ANALYSIS { return m_pt.root(); }

private:
    Fault fault(VirtAddr addr, bool write, bool exec, bool force) LV_EXCLUDES(m_lock);
    ErrorOr<void> copy_into(AddressSpace* copy); // clone's work, with the copy's lock held
    Fault fault_object(VirtAddr va, bool write, VmFile* file, u64 index, bool shared) LV_EXCLUDES(m_lock);
    ErrorOr<VirtAddr> map_locked(VirtAddr hint, size_t length, u32 prot, u32 flags, const char* name,
                                 FileMapping backing = {}) LV_REQUIRES(m_lock);
    // A region leaves the list: its pages go now, its file once the lock is released
    // (reap_dead: the last reference to a file may sleep).
    void discard(Vma& v) LV_REQUIRES(m_lock);
    void reap_dead() LV_EXCLUDES(m_lock);
    ErrorOr<void> protect_locked(VirtAddr addr, size_t length, u32 prot, int pkey, bool any_key) LV_REQUIRES(m_lock);
    ErrorOr<void> set_locked_locked(VirtAddr start, VirtAddr end, bool on, bool on_fault) LV_REQUIRES(m_lock);
    VirtAddr brk_locked(VirtAddr requested) LV_REQUIRES(m_lock);
    // A new region refers to v.file: one more reference and mapper count.
    ErrorOr<void> hold_file(Vma& v) LV_REQUIRES(m_lock);
    ErrorOr<void> unmap_locked(VirtAddr addr, size_t length) LV_REQUIRES(m_lock);
    Vma* find(VirtAddr a) LV_REQUIRES(m_lock);
    PageFlags page_flags(const Vma& v) const;
    ErrorOr<Vma*> split(Vma& v, VirtAddr at) LV_REQUIRES(m_lock); // returns the upper part
    // Joins the neighbours touching [start, end] that differ in nothing but their place,
    // as Linux's vma_merge: private anonymous memory, or consecutive pages of one file, of
    // one protection, advice, key and name (a file's region joined away goes to m_dead).
    // Without it, growing a region in place (mremap) or undoing an mprotect left
    // pieces that a later call over the whole region refused (EFAULT).
    void merge_range(VirtAddr start, VirtAddr end) LV_REQUIRES(m_lock);
    bool pkey_allocated(int key) const LV_REQUIRES(m_lock) {
        return key >= 0 && unsigned(key) < arch::pkey_count() && (m_pkeys & (1u << key));
    }
    ErrorOr<void> advise_vma(Vma& v, VirtAddr start, VirtAddr end, int advice) LV_REQUIRES(m_lock);
    void release_pages(VirtAddr start, VirtAddr end) LV_REQUIRES(m_lock);
    bool range_free(VirtAddr start, VirtAddr end) LV_REQUIRES(m_lock);
    VirtAddr find_gap(size_t length) LV_REQUIRES(m_lock);
    ErrorOr<PhysAddr> page_for(VirtAddr va, const Vma& v) LV_REQUIRES(m_lock);
    // Gives va a private, writable copy of the shared frame pa; returns the frame now
    // mapped (pa itself if nobody else used it any more), 0 when out of memory.
    PhysAddr break_cow(VirtAddr va, const Vma& v, PhysAddr pa) LV_REQUIRES(m_lock);

    // Guards the regions, the page table below them and the break. A spinlock: nothing
    // under it sleeps or touches user memory (faults are resolved under it; the user
    // copy that faulted waits outside it). Taken after the futex lock (a nofault read
    // checks the regions), before the frame allocator's and the heap's.
    mutable kernel::Spinlock m_lock {"address space"};
    PageTable m_pt LV_GUARDED_BY(m_lock);
    lv::IntrusiveList<Vma, &Vma::node> m_vmas LV_GUARDED_BY(m_lock); // sorted by start, non-overlapping
    VirtAddr m_brk_start LV_GUARDED_BY(m_lock) = 0;
    VirtAddr m_start_code LV_GUARDED_BY(m_lock) = 0, m_end_code LV_GUARDED_BY(m_lock) = 0;
    VirtAddr m_brk_end LV_GUARDED_BY(m_lock) = 0;
    VirtAddr m_mmap_top LV_GUARDED_BY(m_lock) = 0;
    u16 m_pkeys LV_GUARDED_BY(m_lock) = 1; // bit k: key k allocated
    u32 m_lock_future LV_GUARDED_BY(m_lock) = 0; // kAdviceLocked|kAdviceLockOnFault for new regions
    // Regions removed whose files are given back by reap_dead.
    lv::IntrusiveList<Vma, &Vma::node> m_dead LV_GUARDED_BY(m_lock);
};
} // namespace mm
