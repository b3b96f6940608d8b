#include <arch/interface.h>
#include <kernel/log.h>
#include <lib/alloc.h>
#include <lib/string.h>
#include <mm/address_space.h>
#include <mm/phys.h>

namespace mm {
namespace {
// Lowest address mmap hands out: the first 64 KiB stay unmapped (vm.mmap_min_addr), so
// NULL dereferences always fault.
constexpr VirtAddr kMinAddr = 0x10000;
bool page_aligned(u64 v) { return (v & (kPageSize - 1)) == 0; }
} // namespace

ErrorOr<AddressSpace*> AddressSpace::create() {
    auto* as = lv::make<AddressSpace>();
    if (!as) return Errno::ENOMEM;
    auto pt = PageTable::create();
    if (pt.is_error()) { lv::destroy(as); return pt.error(); }
    kernel::SpinlockLocker l(as->m_lock);
    as->m_pt = pt.release_value();
    // Linux puts mmap_base below the stack, leaving room for RLIMIT_STACK (8 MiB) plus
    // a gap; 256 MiB keeps the stack growable to its limit.
    as->m_mmap_top = arch::kUserTop - (256ull << 20);
    return as;
}

// The last reference is gone: nobody else can reach it (an object's walker that found
// it among the mappers fails to take a reference now).
AddressSpace::~AddressSpace() LV_NO_THREAD_SAFETY_ANALYSIS {
    while (Vma* v = m_vmas.first()) discard(*v);
    while (Vma* v = m_dead.pop_front()) {
        v->file->vm_unref();
        lv::destroy(v);
    }
    // m_pt frees the tables.
}

ErrorOr<void> AddressSpace::hold_file(Vma& v) {
    if (!v.file) return {};
    TRY(v.file->vm_object().add_mapper(*this, (v.flags & kMapShared) && v.may_write));
    v.file->vm_ref();
    return {};
}

void AddressSpace::discard(Vma& v) {
    release_pages(v.start, v.end);
    m_vmas.remove(v);
    if (v.file) {
        v.file->vm_object().remove_mapper(*this, (v.flags & kMapShared) && v.may_write);
        m_dead.push_back(v);
    } else {
        lv::destroy(&v);
    }
}

void AddressSpace::reap_dead() {
    lv::IntrusiveList<Vma, &Vma::node> dead;
    {
        kernel::SpinlockLocker l(m_lock);
        if (m_dead.empty()) return;
        while (Vma* v = m_dead.pop_front()) dead.push_back(*v);
    }
    while (Vma* v = dead.pop_front()) {
        v->file->vm_unref();
        lv::destroy(v);
    }
}

// The copy is not shared until this returns: only the original's lock is taken (two
// locks of one class would be an ordering the checker cannot tell apart from AB-BA).
ErrorOr<AddressSpace*> AddressSpace::clone() LV_NO_THREAD_SAFETY_ANALYSIS {
    AddressSpace* copy = TRY(create());
    // The copy joins its objects' mappers as its regions are made, before its pages are:
    // a truncate or a write-back may find it half built, and must wait for it. So its
    // lock is held until it is complete. Nobody else can hold it yet (the try cannot
    // fail); it is recorded as a class of its own, always taken before the original's.
    constexpr const char* kNewClass = "address space (new copy)";
    arch::IrqState irqs = arch::irq_save();
    bool locked = copy->m_lock.try_lock_irqs_off(kNewClass);
    KASSERT(locked);
    auto r = copy_into(copy);
    copy->m_lock.unlock_irqs_off(kNewClass);
    arch::irq_restore(irqs);
    if (r.is_error()) {
        copy->unref();
        return r.error();
    }
    return copy;
}

ErrorOr<void> AddressSpace::copy_into(AddressSpace* copy) LV_NO_THREAD_SAFETY_ANALYSIS {
    kernel::SpinlockLocker l(m_lock);
    copy->m_brk_start = m_brk_start;
    copy->m_brk_end = m_brk_end;
    copy->m_mmap_top = m_mmap_top;
    copy->m_start_code = m_start_code;
    copy->m_end_code = m_end_code;
    copy->m_pkeys = m_pkeys;
    TlbGather gather(m_pt); // the pages made read-only here
    for (Vma& v : m_vmas) {
        if (v.advice & kAdviceDontFork) continue; // MADV_DONTFORK: not in the child at all
        auto* nv = lv::make<Vma>();
        if (!nv) return Errno::ENOMEM;
        nv->start = v.start;
        nv->end = v.end;
        nv->copy_attributes(v);
        nv->advice &= ~(kAdviceLocked | kAdviceLockOnFault); // locks are not inherited
        nv->pgoff = v.pgoff;
        if (auto r = copy->hold_file(*nv); r.is_error()) {
            lv::destroy(nv);
            return r.error();
        }
        copy->m_vmas.push_back(*nv);
        // MADV_WIPEONFORK: the child's copy starts empty (reads back zeros).
        if (v.advice & kAdviceWipeOnFork) continue;
        bool shared = v.flags & kMapShared;
        for (VirtAddr va = m_pt.next_mapped(v.start, v.end); va < v.end; va = m_pt.next_mapped(va + kPageSize, v.end)) {
            auto m = m_pt.query(va);
            // Both address spaces map the same frame. Private pages become read-only in
            // both: the first write copies (break_cow). Shared ones stay as they are.
            PageFlags f = m.flags;
            if (!shared && f.writable) {
                f.writable = false;
                m_pt.protect(va, f, &gather);
            }
            TRY(copy->m_pt.map(va, m.pa, f));
            share_frame(m.pa);
        }
    }
    return {};
}

PhysAddr AddressSpace::break_cow(VirtAddr va, const Vma& v, PhysAddr pa) {
    if (frame_refcount(pa) == 1) {
        // The other side is gone: the page is ours alone, just writable again.
        m_pt.protect(va, page_flags(v));
        return pa;
    }
    PhysAddr copy = alloc_frame();
    if (!copy) return 0;
    memcpy(phys_to_virt(copy), phys_to_virt(pa), kPageSize);
    m_pt.unmap(va);
    if (m_pt.map(va, copy, page_flags(v)).is_error()) {
        // Cannot happen (the tables exist); keep the old mapping rather than lose data.
        free_frame(copy);
        (void)m_pt.map(va, pa, page_flags(v));
        return 0;
    }
    free_frame(pa);
    return copy;
}

void AddressSpace::activate() { arch::activate_user_root(root()); }

void AddressSpace::set_brk_start(VirtAddr a) {
    kernel::SpinlockLocker l(m_lock);
    m_brk_start = m_brk_end = a;
}

void AddressSpace::set_code_range(VirtAddr start, VirtAddr end) {
    kernel::SpinlockLocker l(m_lock);
    m_start_code = start;
    m_end_code = end;
}

u64 AddressSpace::code_pages() const {
    kernel::SpinlockLocker l(m_lock);
    if (m_end_code <= m_start_code) return 0;
    return (align_up<u64>(m_end_code, kPageSize) - align_down<u64>(m_start_code, kPageSize)) / kPageSize;
}

VirtAddr AddressSpace::brk_start() const {
    kernel::SpinlockLocker l(m_lock);
    return m_brk_start;
}

VirtAddr AddressSpace::mmap_top() const {
    kernel::SpinlockLocker l(m_lock);
    return m_mmap_top;
}

bool AddressSpace::vma_at(VirtAddr a, Vma& out) {
    kernel::SpinlockLocker l(m_lock);
    Vma* v = find(a);
    if (!v) return false;
    out.start = v->start;
    out.end = v->end;
    out.pgoff = v->pgoff;
    out.copy_attributes(*v);
    return true;
}

bool AddressSpace::vma_at_holding_file(VirtAddr a, Vma& out, bool or_next) {
    kernel::SpinlockLocker l(m_lock);
    Vma* v = find(a);
    if (!v && or_next) {
        for (Vma& o : m_vmas) {
            if (o.end > a) {
                v = &o;
                break;
            }
        }
    }
    if (!v) return false;
    out.start = v->start;
    out.end = v->end;
    out.pgoff = v->pgoff;
    out.copy_attributes(*v);
    if (out.file) out.file->vm_ref();
    return true;
}

ErrorOr<void> AddressSpace::views(lv::Vector<VmaView>& out) {
    for (;;) {
        size_t n = 0;
        {
            kernel::SpinlockLocker l(m_lock);
            for (Vma& v : m_vmas) { (void)v; n++; }
            if (out.try_reserve(n)) {
                for (Vma& v : m_vmas) {
                    VmaView w {v.start, v.end, v.prot, v.flags, v.advice, v.pgoff, v.name, v.file, v.may_write};
                    if (w.file) w.file->vm_ref();
                    (void)out.try_append(w);
                }
                return {};
            }
        }
        if (!out.try_reserve(n)) return Errno::ENOMEM;
    }
}

void AddressSpace::put_views(lv::Vector<VmaView>& views) {
    for (VmaView& w : views)
        if (w.file) w.file->vm_unref();
    views.clear();
}

AddressSpace::Rss AddressSpace::rss() const {
    kernel::SpinlockLocker l(m_lock);
    Rss r;
    for (const Vma& v : const_cast<lv::IntrusiveList<Vma, &Vma::node>&>(m_vmas)) {
        bool shmem = (v.flags & kMapShared) && (v.flags & kMapAnonymous);
        for (VirtAddr va = m_pt.next_mapped(v.start, v.end); va < v.end; va = m_pt.next_mapped(va + kPageSize, v.end)) {
            if (shmem) r.shmem++;
            else if (v.flags & kMapShared) r.file++;
            // A private file page still shared with the cache is the file's; a copy is ours.
            else if (v.file && !m_pt.query(va).flags.writable && frame_refcount(m_pt.query(va).pa) > 1) r.file++;
            else r.anon++;
        }
    }
    return r;
}

AddressSpace::PageStats AddressSpace::page_stats(VirtAddr start, VirtAddr end) const {
    kernel::SpinlockLocker l(m_lock);
    PageStats s;
    auto& vmas = const_cast<lv::IntrusiveList<Vma, &Vma::node>&>(m_vmas);
    for (const Vma& v : vmas) {
        if (v.end <= start || v.start >= end) continue;
        VirtAddr a = max(v.start, start), b = min(v.end, end);
        bool shared = v.flags & kMapShared;
        for (VirtAddr va = m_pt.next_mapped(a, b); va < b; va = m_pt.next_mapped(va + kPageSize, b)) {
            auto m = m_pt.query(va);
            u32 refs = frame_refcount(m.pa);
            // A file's page: shared mappings always map the object's page; a private one
            // until it is written (read-only and still referenced by the cache).
            bool cache_page = v.file && (shared || (!m.flags.writable && refs > 1));
            u32 users = cache_page && refs > 1 ? refs - 1 : refs;
            if (users == 0) users = 1;
            bool dirty = cache_page ? (shared && m.flags.writable) : true;
            s.rss += kPageSize;
            s.pss += kPageSize / users;
            if (!cache_page) s.anon += kPageSize;
            if (users > 1) (dirty ? s.shared_dirty : s.shared_clean) += kPageSize;
            else (dirty ? s.private_dirty : s.private_clean) += kPageSize;
        }
    }
    return s;
}

AddressSpace::VmSizes AddressSpace::sizes() const {
    kernel::SpinlockLocker l(m_lock);
    VmSizes s;
    for (const Vma& v : const_cast<lv::IntrusiveList<Vma, &Vma::node>&>(m_vmas)) {
        u64 n = v.end - v.start;
        s.total += n;
        bool stack = v.flags & kMapGrowsDown;
        if (stack) s.stack += n;
        else if ((v.prot & kProtWrite) && !(v.flags & kMapShared)) s.data += n;
        if ((v.prot & kProtExec) && !(v.prot & kProtWrite) && !stack) s.exec += n;
    }
    return s;
}

void AddressSpace::unmap_object_pages(VmObject& obj, u64 first, u64 last) {
    kernel::SpinlockLocker l(m_lock);
    for (Vma& v : m_vmas) {
        if (!v.file || &v.file->vm_object() != &obj) continue;
        u64 vfirst = v.pgoff, vlast = v.pgoff + (v.end - v.start) / kPageSize;
        u64 a = max(first, vfirst), b = min(last, vlast);
        if (a >= b) continue;
        release_pages(v.start + (a - v.pgoff) * kPageSize, v.start + (b - v.pgoff) * kPageSize);
    }
}

void AddressSpace::write_protect_object_page(VmObject& obj, u64 index) {
    kernel::SpinlockLocker l(m_lock);
    TlbGather gather(m_pt);
    for (Vma& v : m_vmas) {
        if (!v.file || &v.file->vm_object() != &obj || !(v.flags & kMapShared)) continue;
        if (index < v.pgoff || index >= v.pgoff + (v.end - v.start) / kPageSize) continue;
        VirtAddr va = v.start + (index - v.pgoff) * kPageSize;
        auto m = m_pt.query(va);
        if (!m.pa || !m.flags.writable) continue;
        PageFlags f = m.flags;
        f.writable = false;
        m_pt.protect(va, f, &gather);
    }
}

AddressSpace::SharedFrame AddressSpace::shared_frame(VirtAddr a, PhysAddr* frame) {
    kernel::SpinlockLocker l(m_lock);
    Vma* v = find(a);
    if (!v) return SharedFrame::Absent; // the caller's fault-in gives EFAULT, as Linux
    if (!(v->flags & kMapShared)) return SharedFrame::NotShared;
    PhysAddr pa = m_pt.query(align_down<u64>(a, kPageSize)).pa;
    if (!pa) return SharedFrame::Absent;
    *frame = pa;
    return SharedFrame::Present;
}

bool AddressSpace::page_present(VirtAddr va) {
    kernel::SpinlockLocker l(m_lock);
    return m_pt.query(align_down<u64>(va, kPageSize)).pa != 0;
}

bool AddressSpace::is_mapped(VirtAddr a) {
    kernel::SpinlockLocker l(m_lock);
    return find(a) != nullptr;
}

u64 AddressSpace::mapped_bytes() const {
    kernel::SpinlockLocker l(m_lock);
    u64 n = 0;
    for (const Vma& v : const_cast<lv::IntrusiveList<Vma, &Vma::node>&>(m_vmas)) n += v.end - v.start;
    return n;
}

u64 AddressSpace::resident_pages() const {
    kernel::SpinlockLocker l(m_lock);
    u64 n = 0;
    for (const Vma& v : const_cast<lv::IntrusiveList<Vma, &Vma::node>&>(m_vmas))
        for (VirtAddr va = m_pt.next_mapped(v.start, v.end); va < v.end; va = m_pt.next_mapped(va + kPageSize, v.end))
            n++;
    return n;
}

void AddressSpace::move_pages(VirtAddr from, size_t len, VirtAddr to) {
    kernel::SpinlockLocker l(m_lock);
    VirtAddr end = from + len;
    TlbGather gather(m_pt);
    for (VirtAddr va = m_pt.next_mapped(from, end); va < end; va = m_pt.next_mapped(va + kPageSize, end)) {
        auto old = m_pt.query(va);
        m_pt.unmap(va, &gather);
        if (m_pt.map(to + (va - from), old.pa, old.flags).is_error()) gather.free_after_flush(old.pa);
    }
}

PageFlags AddressSpace::page_flags(const Vma& v) const {
    PageFlags f;
    // PROT_NONE pages stay mapped (their contents survive) but become supervisor-only;
    // user copies check the VMA's protection first (mm/usercopy.cpp), so the kernel does
    // not reach them on the program's behalf either.
    f.user = v.prot & (kProtRead | kProtWrite | kProtExec);
    f.writable = v.prot & kProtWrite;
    f.executable = v.prot & kProtExec;
    f.pkey = v.pkey;
    return f;
}

Vma* AddressSpace::find(VirtAddr a) {
    for (Vma& v : m_vmas) {
        if (v.contains(a)) return &v;
        if (v.start > a) break;
    }
    return nullptr;
}

bool AddressSpace::accessible(VirtAddr addr, size_t n, bool write) {
    kernel::SpinlockLocker l(m_lock);
    VirtAddr end = addr + n;
    for (Vma& v : m_vmas) {
        if (v.end <= addr) continue;
        if (v.start > addr) return false;
        if (!(v.prot & (write ? kProtWrite : (kProtRead | kProtWrite | kProtExec)))) return false;
        if (v.end >= end) return true;
        addr = v.end;
    }
    return false;
}

bool AddressSpace::range_free(VirtAddr start, VirtAddr end) {
    for (Vma& v : m_vmas)
        if (v.start < end && start < v.end) return false;
    return true;
}

VirtAddr AddressSpace::find_gap(size_t length) {
    // Top-down, like Linux: the highest gap below mmap_top that fits.
    VirtAddr best = 0;
    VirtAddr prev_end = kMinAddr;
    for (Vma& v : m_vmas) {
        VirtAddr gap_end = min(v.start, m_mmap_top);
        if (gap_end > prev_end && gap_end - prev_end >= length) best = gap_end - length;
        prev_end = max(prev_end, v.end);
    }
    if (m_mmap_top > prev_end && m_mmap_top - prev_end >= length) best = m_mmap_top - length;
    return best;
}

void AddressSpace::release_pages(VirtAddr start, VirtAddr end) {
    TlbGather gather(m_pt);
    for (VirtAddr va = m_pt.next_mapped(start, end); va < end; va = m_pt.next_mapped(va + kPageSize, end)) {
        PhysAddr pa = m_pt.unmap(va, &gather);
        if (pa) gather.free_after_flush(pa);
    }
}

ErrorOr<Vma*> AddressSpace::split(Vma& v, VirtAddr at) {
    auto* upper = lv::make<Vma>();
    if (!upper) return Errno::ENOMEM;
    upper->start = at;
    upper->end = v.end;
    upper->copy_attributes(v);
    upper->pgoff = v.page_index(at);
    if (auto r = hold_file(*upper); r.is_error()) {
        lv::destroy(upper);
        return r.error();
    }
    v.end = at;
    Vma* next = m_vmas.next(v);
    if (next) m_vmas.insert_before(*next, *upper);
    else m_vmas.push_back(*upper);
    return upper;
}

namespace {
// What a VMA's flags say about the region itself (not how the call placed it).
constexpr u32 kRegionFlagsMask = ~(kMapFixed | kMapFixedNoReplace | kMapPopulate);

// Private anonymous memory, or consecutive pages of one file (a mapping grown by
// mremap, a split undone by mprotect).
bool mergeable(const Vma& a, const Vma& b) {
    if (a.end != b.start || a.prot != b.prot || a.advice != b.advice || a.pkey != b.pkey ||
        (a.flags & kRegionFlagsMask) != (b.flags & kRegionFlagsMask) || strcmp(a.name, b.name) != 0)
        return false;
    if (a.file || b.file)
        return a.file == b.file && a.may_write == b.may_write && a.page_index(a.end) == b.pgoff;
    return (a.flags & kMapAnonymous) && !(a.flags & kMapShared);
}
} // namespace

void AddressSpace::merge_range(VirtAddr start, VirtAddr end) {
    Vma* v = m_vmas.first();
    while (v && v->end < start) v = m_vmas.next(*v);
    if (!v) return;
    if (Vma* prev = m_vmas.prev(*v)) v = prev; // the one ending at start may join
    while (v && v->start <= end) {
        Vma* next = m_vmas.next(*v);
        if (next && mergeable(*v, *next)) {
            v->end = next->end;
            m_vmas.remove(*next);
            if (next->file) {
                // Its hold on the file goes (the joined region keeps its own).
                next->file->vm_object().remove_mapper(*this, (next->flags & kMapShared) && next->may_write);
                m_dead.push_back(*next);
            } else {
                lv::destroy(next);
            }
            continue; // v may join the one after too
        }
        v = next;
    }
}

ErrorOr<VirtAddr> AddressSpace::map(VirtAddr hint, size_t length, u32 prot, u32 flags, const char* name,
                                    FileMapping backing) {
    VirtAddr addr = 0;
    Errno err {};
    {
        kernel::SpinlockLocker l(m_lock);
        auto r = map_locked(hint, length, prot, flags, name, backing);
        if (r.is_error()) err = r.error();
        else addr = r.value();
    }
    reap_dead(); // what MAP_FIXED replaced
    if (err != Errno {}) return err;
    return addr;
}

ErrorOr<VirtAddr> AddressSpace::map_locked(VirtAddr hint, size_t length, u32 prot, u32 flags, const char* name,
                                           FileMapping backing) {
    if (length == 0) return Errno::EINVAL;
    size_t len = align_up<u64>(length, kPageSize);
    if (len < length || len > arch::kUserTop) return Errno::ENOMEM;
    VirtAddr addr;
    if (flags & (kMapFixed | kMapFixedNoReplace)) {
        if (!page_aligned(hint)) return Errno::EINVAL;
        if (hint + len > arch::kUserTop || hint + len < hint || hint < kPageSize) return Errno::ENOMEM;
        if (!range_free(hint, hint + len)) {
            if (flags & kMapFixedNoReplace) return Errno::EEXIST;
            TRY(unmap_locked(hint, len));
        }
        addr = hint;
    } else {
        hint = align_down<u64>(hint, kPageSize);
        if (hint >= kMinAddr && hint + len <= arch::kUserTop && hint + len > hint && range_free(hint, hint + len))
            addr = hint;
        else
            addr = find_gap(len);
        if (!addr) return Errno::ENOMEM;
    }
    auto* v = lv::make<Vma>();
    if (!v) return Errno::ENOMEM;
    v->start = addr;
    v->end = addr + len;
    v->prot = prot;
    v->flags = flags;
    v->name = name;
    v->file = backing.file;
    v->pgoff = backing.pgoff;
    v->may_write = backing.may_write;
    v->advice = m_lock_future;
    if (auto r = hold_file(*v); r.is_error()) {
        lv::destroy(v);
        return r.error();
    }
    Vma* after = nullptr;
    for (Vma& o : m_vmas)
        if (o.start >= v->end) { after = &o; break; }
    if (after) m_vmas.insert_before(*after, *v);
    else m_vmas.push_back(*v);
    merge_range(addr, addr + len);
    return addr;
}

ErrorOr<void> AddressSpace::unmap(VirtAddr addr, size_t length) {
    ErrorOr<void> r;
    {
        kernel::SpinlockLocker l(m_lock);
        r = unmap_locked(addr, length);
    }
    reap_dead();
    return r;
}

ErrorOr<void> AddressSpace::unmap_locked(VirtAddr addr, size_t length) {
    if (!page_aligned(addr) || length == 0) return Errno::EINVAL;
    VirtAddr end = align_up<u64>(addr + length, kPageSize);
    if (end > arch::kUserTop || end < addr) return Errno::EINVAL;
    for (Vma& v : m_vmas) {
        if (v.end <= addr || v.start >= end) continue;
        Vma* cur = &v;
        if (cur->start < addr) cur = TRY(split(*cur, addr));
        if (cur->end > end) TRY(split(*cur, end));
        discard(*cur);
    }
    return {};
}

ErrorOr<void> AddressSpace::protect(VirtAddr addr, size_t length, u32 prot, int pkey, bool any_key) {
    Errno err {};
    {
        kernel::SpinlockLocker l(m_lock);
        auto r = protect_locked(addr, length, prot, pkey, any_key);
        if (r.is_error()) err = r.error();
    }
    reap_dead(); // regions merged away
    if (err != Errno {}) return err;
    return {};
}

ErrorOr<void> AddressSpace::protect_locked(VirtAddr addr, size_t length, u32 prot, int pkey, bool any_key) {
    if (!page_aligned(addr)) return Errno::EINVAL;
    VirtAddr end = align_up<u64>(addr + length, kPageSize);
    if (end < addr || end > arch::kUserTop) return Errno::ENOMEM;
    // Linux checks the key first, then the range.
    if (pkey != -1 && !(any_key ? pkey >= 0 && unsigned(pkey) < arch::pkey_count() : pkey_allocated(pkey)))
        return Errno::EINVAL;
    // Linux: ENOMEM if any page in the range is unmapped.
    VirtAddr covered = addr;
    for (Vma& v : m_vmas) {
        if (v.end <= covered || v.start >= end) continue;
        if (v.start > covered) return Errno::ENOMEM;
        // A shared mapping of a file not open for writing never becomes writable.
        if ((prot & kProtWrite) && !v.may_write) return Errno::EACCES;
        covered = v.end;
    }
    if (covered < end) return Errno::ENOMEM;
    TlbGather gather(m_pt);
    for (Vma& v : m_vmas) {
        if (v.end <= addr || v.start >= end) continue;
        Vma* cur = &v;
        if (cur->start < addr) cur = TRY(split(*cur, addr));
        if (cur->end > end) TRY(split(*cur, end));
        cur->prot = prot;
        if (pkey >= 0) cur->pkey = u8(pkey);
        PageFlags f = page_flags(*cur);
        for (VirtAddr va = m_pt.next_mapped(cur->start, cur->end); va < cur->end;
             va = m_pt.next_mapped(va + kPageSize, cur->end)) {
            auto m = m_pt.query(va);
            PageFlags pf = f;
            // A copy-on-write page stays read-only until a write fault copies it; a
            // shared page whose object tracks writes, until a write fault tells it.
            if (!(cur->flags & kMapShared) && frame_refcount(m.pa) > 1) pf.writable = false;
            if ((cur->flags & kMapShared) && cur->file && cur->file->vm_object().vm_tracks_dirty() &&
                !m.flags.writable)
                pf.writable = false;
            m_pt.protect(va, pf, &gather);
        }
    }
    merge_range(addr, end);
    return {};
}

ErrorOr<void> AddressSpace::set_locked(VirtAddr start, VirtAddr end, bool on, bool on_fault) {
    Errno err {};
    {
        kernel::SpinlockLocker l(m_lock);
        auto r = set_locked_locked(start, end, on, on_fault);
        if (r.is_error()) err = r.error();
    }
    reap_dead(); // regions merged away
    if (err != Errno {}) return err;
    return {};
}

ErrorOr<void> AddressSpace::set_locked_locked(VirtAddr start, VirtAddr end, bool on, bool on_fault) {
    VirtAddr covered = start;
    for (Vma& v : m_vmas) {
        if (v.end <= covered || v.start >= end) continue;
        if (v.start > covered) return Errno::ENOMEM;
        covered = v.end;
    }
    if (covered < end) return Errno::ENOMEM;
    u32 bits = on ? (kAdviceLocked | (on_fault ? u32(kAdviceLockOnFault) : 0u)) : 0u;
    for (Vma& v : m_vmas) {
        if (v.end <= start || v.start >= end) continue;
        if ((v.advice & (kAdviceLocked | kAdviceLockOnFault)) == bits) continue;
        Vma* cur = &v;
        if (cur->start < start) cur = TRY(split(*cur, start));
        if (cur->end > end) TRY(split(*cur, end));
        cur->advice = (cur->advice & ~(kAdviceLocked | kAdviceLockOnFault)) | bits;
    }
    merge_range(start, end);
    return {};
}

void AddressSpace::set_all_locked(bool on, bool on_fault) {
    {
        kernel::SpinlockLocker l(m_lock);
        u32 bits = on ? (kAdviceLocked | (on_fault ? u32(kAdviceLockOnFault) : 0u)) : 0u;
        for (Vma& v : m_vmas) v.advice = (v.advice & ~(kAdviceLocked | kAdviceLockOnFault)) | bits;
        if (m_vmas.first()) merge_range(m_vmas.first()->start, arch::kUserTop);
    }
    reap_dead();
}

u64 AddressSpace::locked_bytes(VirtAddr start, VirtAddr end) const {
    kernel::SpinlockLocker l(m_lock);
    u64 n = 0;
    for (const Vma& v : const_cast<lv::IntrusiveList<Vma, &Vma::node>&>(m_vmas))
        if ((v.advice & kAdviceLocked) && v.end > start && v.start < end) n += min(v.end, end) - max(v.start, start);
    return n;
}

void AddressSpace::set_lock_future(u32 bits) {
    kernel::SpinlockLocker l(m_lock);
    m_lock_future = bits;
}

u32 AddressSpace::lock_future() const {
    kernel::SpinlockLocker l(m_lock);
    return m_lock_future;
}

int AddressSpace::pkey_alloc() {
    kernel::SpinlockLocker l(m_lock);
    for (unsigned k = 0; k < arch::pkey_count(); k++) {
        if (!(m_pkeys & (1u << k))) {
            m_pkeys = u16(m_pkeys | (1u << k));
            return int(k);
        }
    }
    return -1;
}

bool AddressSpace::pkey_free(int key) {
    kernel::SpinlockLocker l(m_lock);
    // Key 0 too, as Linux allows (pkey_alloc may then hand it out).
    if (!pkey_allocated(key)) return false;
    m_pkeys = u16(m_pkeys & ~(1u << key));
    return true;
}

ErrorOr<void> AddressSpace::advise_vma(Vma& v, VirtAddr start, VirtAddr end, int advice) {
    bool anon_private = (v.flags & kMapAnonymous) && !(v.flags & kMapShared);
    switch (advice) {
    case kMadvDontNeed:
    case kMadvDontNeedLocked:
        // Private anonymous memory reads back as zeros afterwards; a region with an
        // object (a file, shared memory) finds its pages there again on the next fault
        // (a private region's copies are dropped: it sees the file again). A region
        // holding a copy of a file that is not kept in pages (ext2's, for now) has
        // nowhere to find its data again: its pages stay.
        if (v.file || (v.flags & kMapAnonymous)) release_pages(start, end);
        return {};
    case kMadvFree:
        if (!anon_private) return Errno::EINVAL; // Linux: only anonymous private memory
        release_pages(start, end);
        return {};
    case kMadvRemove:
        // Punches a hole in the backing object (the system call does it, outside this
        // lock); here only the checks, in Linux's order.
        if (!v.file) return Errno::EINVAL; // no backing file
        if (!(v.flags & kMapShared) || !(v.prot & kProtWrite)) return Errno::EACCES;
        return {};
    case kMadvDontFork:
    case kMadvDoFork:
    case kMadvWipeOnFork:
    case kMadvKeepOnFork: {
        if (advice == kMadvWipeOnFork && !anon_private) return Errno::EINVAL;
        u32 bit = (advice == kMadvDontFork || advice == kMadvDoFork) ? kAdviceDontFork : kAdviceWipeOnFork;
        bool set = advice == kMadvDontFork || advice == kMadvWipeOnFork;
        if (bool(v.advice & bit) == set) return {};
        Vma* cur = &v;
        if (cur->start < start) cur = TRY(split(*cur, start));
        if (cur->end > end) TRY(split(*cur, end));
        cur->advice = set ? (cur->advice | bit) : (cur->advice & ~bit);
        return {};
    }
    default:
        return {}; // a hint: nothing to do with it here
    }
}

ErrorOr<void> AddressSpace::advise(VirtAddr start, VirtAddr end, int advice) {
    kernel::SpinlockLocker l(m_lock);
    VirtAddr covered = start;
    bool hole = false;
    // The loop keeps the original next VMA, so the pieces a split adds (all at or above
    // `covered`'s new value, and so past `end`) are not visited again.
    for (Vma& v : m_vmas) {
        if (v.end <= covered) continue;
        if (v.start >= end) break;
        if (v.start > covered) hole = true;
        VirtAddr a = max(covered, v.start), b = min(end, v.end);
        TRY(advise_vma(v, a, b, advice));
        covered = b;
        if (covered >= end) break;
    }
    if (hole || covered < end) return Errno::ENOMEM;
    return {};
}

VirtAddr AddressSpace::brk(VirtAddr requested) {
    VirtAddr r;
    {
        kernel::SpinlockLocker l(m_lock);
        r = brk_locked(requested);
    }
    reap_dead();
    return r;
}

VirtAddr AddressSpace::brk_locked(VirtAddr requested) {
    // Out of range (below the heap, or so high that rounding up would wrap): the break
    // stays where it is, which is how brk(2) reports failure.
    if (requested < m_brk_start || requested > m_mmap_top) return m_brk_end;
    VirtAddr old_top = align_up<u64>(m_brk_end, kPageSize);
    VirtAddr new_top = align_up<u64>(requested, kPageSize);
    if (new_top > old_top) {
        if (!range_free(old_top, new_top) || new_top > m_mmap_top) return m_brk_end;
        Vma* heap = old_top > m_brk_start ? find(old_top - 1) : nullptr;
        if (heap && heap->end == old_top && (heap->flags & kMapPrivate) && heap->name[0] == '[') {
            heap->end = new_top;
        } else if (map_locked(old_top, new_top - old_top, kProtRead | kProtWrite,
                              kMapPrivate | kMapAnonymous | kMapFixed, "[heap]").is_error()) {
            return m_brk_end;
        }
    } else if (new_top < old_top) {
        if (unmap_locked(new_top, old_top - new_top).is_error()) return m_brk_end;
    }
    m_brk_end = requested;
    return m_brk_end;
}

ErrorOr<PhysAddr> AddressSpace::page_for(VirtAddr va, const Vma& v) {
    auto m = m_pt.query(va);
    if (m.pa) return m.pa;
    PhysAddr pa = alloc_zeroed_frame();
    if (!pa) return Errno::ENOMEM;
    auto r = m_pt.map(va, pa, page_flags(v));
    if (r.is_error()) { free_frame(pa); return r.error(); }
    return pa;
}

AddressSpace::Fault AddressSpace::fault(VirtAddr addr, bool write, bool exec, bool force) {
    VirtAddr va = align_down<u64>(addr, kPageSize);
    VmFile* file;
    u64 index;
    bool shared;
    {
        kernel::SpinlockLocker l(m_lock);
        Vma* v = find(addr);
        if (!v) return Fault::Denied;
        if (!force) {
            if (write && !(v->prot & kProtWrite)) return Fault::Denied;
            if (exec && !(v->prot & kProtExec)) return Fault::Denied;
            if (!(v->prot & (kProtRead | kProtWrite | kProtExec))) return Fault::Denied;
        }
        shared = v->flags & kMapShared;
        auto m = m_pt.query(va);
        if (m.pa) {
            if (!write || m.flags.writable) {
                // Another thread mapped it first, or the TLB was stale: retry.
                arch::flush_tlb_page(m_pt.root(), va);
                return Fault::Resolved;
            }
            // A write to a read-only page of a writable region: copy-on-write, or a
            // shared page the object wants to hear about before its first write.
            if (!shared) return break_cow(va, *v, m.pa) ? Fault::Resolved : Fault::NoMemory;
            if (!v->file) {
                m_pt.protect(va, page_flags(*v));
                return Fault::Resolved;
            }
        } else if (!v->file) {
            return page_for(va, *v).is_error() ? Fault::NoMemory : Fault::Resolved;
        }
        file = v->file;
        file->vm_ref();
        index = v->page_index(va);
    }
    Fault r = fault_object(va, write, file, index, shared);
    file->vm_unref();
    return r;
}

// The object's page, found without the lock (it may be read from a disk), then mapped
// if the region still maps the same page of the same object and nothing was dropped
// meanwhile; otherwise the access is retried and faults again if it must.
AddressSpace::Fault AddressSpace::fault_object(VirtAddr va, bool write, VmFile* file, u64 index, bool shared) {
    VmObject& obj = file->vm_object();
    u64 gen = obj.generation();
    auto page = obj.vm_page(index, write && shared);
    if (page.is_error()) return page.error() == Errno::ENOMEM ? Fault::NoMemory : Fault::Bus;
    PhysAddr pa = page.value();
    if (write && !shared) {
        // A private region's first write: its own copy at once, never the cache's page.
        PhysAddr copy = alloc_frame();
        if (!copy) {
            free_frame(pa);
            return Fault::NoMemory;
        }
        memcpy(phys_to_virt(copy), phys_to_virt(pa), kPageSize);
        free_frame(pa);
        pa = copy;
    }
    kernel::SpinlockLocker l(m_lock);
    Vma* v = find(va);
    auto m = m_pt.query(va);
    bool same = v && v->file == file && v->page_index(va) == index && obj.generation() == gen;
    if (same && m.pa == pa && shared && write) {
        // The first write to a shared page mapped read-only: vm_page has marked it dirty.
        m_pt.protect(va, page_flags(*v));
    } else if (same && !m.pa) {
        PageFlags f = page_flags(*v);
        // A private region maps the cache's page read-only until written; a shared
        // region of an object that tracks writes, until the first write tells it.
        if (!write && (!shared || obj.vm_tracks_dirty())) f.writable = false;
        if (m_pt.map(va, pa, f).is_error()) {
            free_frame(pa);
            return Fault::NoMemory;
        }
        return Fault::Resolved; // the mapping holds the reference
    }
    free_frame(pa);
    return Fault::Resolved;
}

size_t AddressSpace::access_remote(VirtAddr addr, void* buf, size_t n, bool write) {
    auto* b = static_cast<u8*>(buf);
    size_t done = 0;
    int attempts = 0;
    while (done < n) {
        VirtAddr a = addr + done;
        VirtAddr va = align_down<u64>(a, kPageSize);
        size_t chunk = min<size_t>(n - done, kPageSize - (a - va));
        bool copied = false;
        {
            kernel::SpinlockLocker l(m_lock);
            Vma* v = find(a);
            if (!v || !(v->prot & (write ? kProtWrite : kProtRead))) return done;
            auto m = m_pt.query(va);
            // Present and usable as it is: writable, or only read.
            if (m.pa && (!write || m.flags.writable)) {
                u8* page = static_cast<u8*>(phys_to_virt(m.pa)) + (a - va);
                if (write) memcpy(page, b + done, chunk);
                else memcpy(b + done, page, chunk);
                copied = true;
            }
        }
        if (copied) {
            done += chunk;
            attempts = 0;
            continue;
        }
        // Fault it in as the process would (copy-on-write for a write), then again.
        if (++attempts > 3) return done;
        if (fault(a, write, false, false) != Fault::Resolved) return done;
    }
    return done;
}

ErrorOr<void> AddressSpace::poke(VirtAddr dst, const void* src, size_t n) {
    auto* s = static_cast<const u8*>(src);
    while (n) {
        bool need_object_page = false;
        {
            kernel::SpinlockLocker l(m_lock);
            Vma* v = find(dst);
            if (!v) return Errno::EFAULT;
            VirtAddr va = align_down<u64>(dst, kPageSize);
            if (v->file && !m_pt.query(va).pa) {
                need_object_page = true;
            } else {
                PhysAddr pa = TRY(page_for(va, *v));
                // Writing through the direct map bypasses the read-only PTE: copy a shared
                // private page first, or the other address space would see the write.
                if (!(v->flags & kMapShared) && frame_refcount(pa) > 1) {
                    pa = break_cow(va, *v, pa);
                    if (!pa) return Errno::ENOMEM;
                }
                size_t off = dst - va;
                size_t chunk = min<size_t>(n, kPageSize - off);
                memcpy(static_cast<u8*>(phys_to_virt(pa)) + off, s, chunk);
                dst += chunk; s += chunk; n -= chunk;
            }
        }
        if (need_object_page) {
            // A file's page: found without the lock, as a fault finds it; then again.
            Fault r = fault(dst, true, false, true);
            if (r == Fault::NoMemory) return Errno::ENOMEM;
            if (r != Fault::Resolved) return Errno::EFAULT;
        }
    }
    return {};
}
} // namespace mm
