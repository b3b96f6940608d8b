// ramfs regular files and symlinks.
#include <fs/ramfs.h>

namespace fs {
namespace {
constexpr u64 kMaxFileSize = PageTree::kMaxPages * kDataPageSize;
} // namespace

ErrorOr<size_t> RamFile::read_at(u64 offset, const IoBuffer& buf, size_t n) {
    if (offset >= size) return 0;
    n = size_t(min<u64>(n, size - offset));
    size_t done = 0;
    while (done < n) {
        PageChunk c = page_chunk(offset + done, n - done);
        u8* page = m_pages.get(c.index);
        auto r = page ? buf.write(done, page + c.in_page, c.len) : buf.zero(done, c.len);
        if (r.is_error()) {
            if (done) break; // a short read, as Linux returns on a fault after progress
            return r.error();
        }
        done += c.len;
    }
    touch_atime();
    return done;
}

ErrorOr<void> RamFile::add_seals(u32 seals) {
    if (!m_memfd) return Errno::EINVAL;
    if (seals & ~(kSealSeal | kSealShrink | kSealGrow | kSealWrite | kSealFutureWrite)) return Errno::EINVAL;
    if (m_seals & kSealSeal) return Errno::EPERM;
    // Linux's memfd_wait_for_pins: no shared mapping may still write, nor map it so
    // from now on (checked and denied as one step with the mappers).
    if ((seals & kSealWrite) && !(m_seals & kSealWrite) && !deny_writable()) return Errno::EBUSY;
    m_seals |= seals;
    return {};
}

ErrorOr<size_t> RamFile::write_at(u64 offset, const IoBuffer& buf, size_t n) {
    if (m_seals & (kSealWrite | kSealFutureWrite)) return Errno::EPERM;
    if ((m_seals & kSealGrow) && offset + n > size) return Errno::EPERM;
    if (n == 0) return 0;
    if (offset >= kMaxFileSize) return Errno::EFBIG;
    n = size_t(min<u64>(n, kMaxFileSize - offset)); // a short write up to the limit
    size_t done = 0;
    Errno err {};
    while (done < n) {
        PageChunk c = page_chunk(offset + done, n - done);
        size_t in_page = c.in_page, chunk = c.len;
        u64 index = c.index;
        // A kernel source overwriting a whole page cannot fail half-way: skip clearing.
        bool whole = chunk == kDataPageSize && !buf.is_user();
        bool fresh = !m_pages.get(index);
        if (fresh && !usage->charge_pages(1)) { err = Errno::ENOSPC; break; } // size=
        auto page = m_pages.get_or_alloc(index, !whole);
        if (page.is_error()) {
            if (fresh) usage->uncharge_pages(1);
            err = page.error();
            break;
        }
        auto r = buf.read(done, page.value() + in_page, chunk);
        if (r.is_error()) { err = r.error(); break; }
        done += chunk;
    }
    if (done == 0) return err;
    if (offset + done > size) size = offset + done;
    touch_mtime();
    return done;
}

ErrorOr<void> RamFile::truncate(u64 new_size) {
    if ((new_size < size && (m_seals & kSealShrink)) || (new_size > size && (m_seals & kSealGrow)))
        return Errno::EPERM;
    if (new_size > kMaxFileSize) return Errno::EFBIG;
    if (new_size < size) {
        u64 first = align_up<u64>(new_size, kDataPageSize) / kDataPageSize;
        u64 last = align_up<u64>(size, kDataPageSize) / kDataPageSize;
        begin_invalidate();
        u64 before = m_pages.page_count();
        m_pages.truncate(first);
        usage->uncharge_pages(before - m_pages.page_count());
        // Clear the tail of the last page so that growing again reads zeros (mappings
        // of that page see it too, as on Linux).
        size_t in_page = new_size % kDataPageSize;
        if (in_page)
            if (u8* page = m_pages.get(new_size / kDataPageSize)) memset(page + in_page, 0, kDataPageSize - in_page);
        // Mappings of the pages past the end lose them: touching them is SIGBUS.
        unmap_pages(first, last);
    }
    size = new_size;
    touch_mtime();
    return {};
}

ErrorOr<void> RamFile::punch_hole(u64 offset, u64 len) {
    if (m_seals & (kSealWrite | kSealFutureWrite)) return Errno::EPERM;
    u64 end;
    if (__builtin_add_overflow(offset, len, &end)) end = ~0ull;
    end = min(end, align_up<u64>(size, kDataPageSize));
    if (offset >= end) return {};
    // Partial pages at either end are zeroed in place; whole pages are freed.
    u64 first = align_up<u64>(offset, kDataPageSize) / kDataPageSize;
    u64 last = end / kDataPageSize;
    auto zero = [&](u64 from, u64 to) {
        for (u64 p = from; p < to;) {
            u64 next = min(align_down<u64>(p, kDataPageSize) + kDataPageSize, to);
            if (u8* page = m_pages.get(p / kDataPageSize)) memset(page + p % kDataPageSize, 0, next - p);
            p = next;
        }
    };
    if (first > last) { // within one page
        zero(offset, end);
        return {};
    }
    zero(offset, first * kDataPageSize);
    zero(last * kDataPageSize, end);
    begin_invalidate();
    u64 freed = 0;
    for (u64 p = first; p < last; p++) {
        u64 next;
        if (!m_pages.next_present(p, next) || next >= last) break;
        p = next;
        if (m_pages.remove(p)) freed++;
    }
    usage->uncharge_pages(freed);
    unmap_pages(first, last);
    touch_mtime();
    return {};
}

u64 RamFile::next_data(u64 off) const {
    u64 page;
    if (!m_pages.next_present(off / kDataPageSize, page)) return size; // all hole: EOF
    u64 start = page * kDataPageSize;
    return start > off ? start : off;
}

ErrorOr<void> RamFile::allocate(u64 offset, u64 len) {
    u64 end;
    if (__builtin_add_overflow(offset, len, &end) || end > kMaxFileSize) return Errno::EFBIG;
    if ((m_seals & kSealGrow) && end > size) return Errno::EPERM;
    u64 first = offset / kDataPageSize, last = align_up<u64>(end, kDataPageSize) / kDataPageSize;
    RamUsage& rfs = *usage;
    // Linux's shmem_fallocate: a range larger than the whole filesystem fails at once.
    if (rfs.max_pages && last - first > rfs.max_pages) return Errno::ENOSPC;
    // Holes to fill: if they do not fit, ENOSPC with the file as it was (Linux allocates
    // and then undoes, to the same effect). Counted from the pages present, so that a
    // huge range costs what is in it; an instance without a limit (the kernel's own, under
    // memfds and shared memory) is bounded by free memory instead.
    u64 present = 0;
    for (u64 p = first; m_pages.next_present(p, p) && p < last; p++) present++;
    u64 holes = (last - first) - present;
    if (!rfs.max_pages && holes > data_pages_free()) return Errno::ENOSPC;
    if (!rfs.charge_pages(holes)) return Errno::ENOSPC;
    for (u64 p = first; p < last; p++) {
        if (m_pages.get(p)) continue;
        if (m_pages.get_or_alloc(p, true).is_error()) {
            // Out of RAM itself: the pages made so far stay in the file (and charged).
            rfs.uncharge_pages(holes);
            return Errno::ENOMEM;
        }
        holes--;
    }
    return {};
}

ErrorOr<void> RamSymlink::set_target(lv::StringView target) {
    char* t = static_cast<char*>(kmalloc(target.size + 1));
    if (!t) return Errno::ENOMEM;
    memcpy(t, target.data, target.size);
    t[target.size] = 0;
    kfree(m_target);
    m_target = t;
    size = target.size;
    return {};
}

ErrorOr<size_t> RamSymlink::readlink(char* buf, size_t cap) {
    size_t n = min<size_t>(cap, size);
    memcpy(buf, m_target, n);
    return n;
}
} // namespace fs
